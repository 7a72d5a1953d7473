using Keel.Datasets;
using Keel.Metadata;
using Keel.Objects;
using Keel.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class RecipeTests
{
    private static readonly SourceSpan At = new("keel.yaml", 1, 1);

    private static Digest D(string text) => ContentHasher.Hash(System.Text.Encoding.UTF8.GetBytes(text));

    private static Recipe Base() => new(
        "train",
        "train --out m.zip",
        [new TreeDigest("src", D("code"), TreeKind.Directory, 3, 300), new TreeDigest("data.csv", D("data"), TreeKind.File, 1, 10)],
        [new("params.yaml:train.lr", "0.1"), new("params.yaml:train.trees", "100")],
        42,
        [new OutSpec("m.zip", "model", true, At)],
        "linux-x64-net10");

    [Fact]
    public void Digest_SameRecipe_IsStableAndIgnoresListOrderAndSourcePositions()
    {
        var a = Base();
        var b = Base() with
        {
            Inputs = Base().Inputs.Reverse().ToList(),
            Params = Base().Params.Reverse().ToList(),
            Outs = [new OutSpec("m.zip", "model", true, new SourceSpan("other.yaml", 9, 9))],
        };

        Assert.Equal(a.Digest, b.Digest);
        Assert.Equal(a.CanonicalBytes(), b.CanonicalBytes());
    }

    [Fact]
    public void CanonicalBytes_AreSortedCompactJson()
    {
        var json = System.Text.Encoding.UTF8.GetString(Base().CanonicalBytes());

        Assert.StartsWith("{\"schema\":1,\"cmd\":\"train --out m.zip\",\"deps\":[{\"path\":\"data.csv\"", json);
        Assert.Contains("\"params\":{\"params.yaml:train.lr\":\"0.1\",\"params.yaml:train.trees\":\"100\"},\"seed\":42,", json);
        Assert.EndsWith("\"outs\":[{\"path\":\"m.zip\",\"kind\":\"model\"}],\"env\":\"linux-x64-net10\"}", json);
        Assert.DoesNotContain(" ", json.Replace("train --out m.zip", "", StringComparison.Ordinal));
    }

    public static TheoryData<string> Changes => ["cmd", "dep digest", "dep path", "param value", "param key", "seed", "no seed", "out path", "out kind", "env"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Digest_ChangesWithEveryIngredient(string change)
    {
        var b = Base();
        var changed = change switch
        {
            "cmd" => b with { Command = "train --out m.zip --fast" },
            "dep digest" => b with { Inputs = [b.Inputs[0], b.Inputs[1] with { Digest = D("data2") }] },
            "dep path" => b with { Inputs = [b.Inputs[0], b.Inputs[1] with { Path = "data2.csv" }] },
            "param value" => b with { Params = [b.Params[0], new("params.yaml:train.trees", "101")] },
            "param key" => b with { Params = [b.Params[0], new("params.yaml:train.leaves", "100")] },
            "seed" => b with { Seed = 43 },
            "no seed" => b with { Seed = null },
            "out path" => b with { Outs = [new OutSpec("m2.zip", "model", true, At)] },
            "out kind" => b with { Outs = [new OutSpec("m.zip", "data", true, At)] },
            "env" => b with { EnvironmentLock = "linux-arm64-net10" },
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };

        Assert.NotEqual(b.Digest, changed.Digest);
    }

    [Fact]
    public void CurrentEnvironmentLock_NamesOsArchitectureAndRuntime()
    {
        Assert.Matches("^(linux|macos|windows)-[a-z0-9]+-net[0-9]+$", Recipe.CurrentEnvironmentLock);
    }
}
