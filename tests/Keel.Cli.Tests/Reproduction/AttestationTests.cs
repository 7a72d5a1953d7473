using Keel.Cli.Tests.Pipelines;

namespace Keel.Cli.Tests.Reproduction;

public sealed class AttestationTests(SmallPipeline small) : IClassFixture<SmallPipeline>
{
    [Fact]
    public void AttestVerify_FreshAttestation_IsValid()
    {
        var r = small.Cli.Run(small.Root, "attest", "verify", small.Attestation, "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(ReproCli.Json(r).GetProperty("valid").GetBoolean());
        Assert.Equal("pass", ReproCli.Json(r).GetProperty("verdict").GetString());
    }

    [Fact]
    public void AttestVerify_AnyByteChanged_Refused()
    {
        var bytes = File.ReadAllBytes(small.Attestation);
        // Every 7th byte, to keep the test fast; the Core tests flip every byte in process.
        for (var i = 0; i < bytes.Length; i += Math.Max(1, bytes.Length / 12))
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x02;
            var file = Path.Combine(small.Temp, $"tampered-{i}.json");
            File.WriteAllBytes(file, copy);

            var r = small.Cli.Run(small.Root, "attest", "verify", file);

            Assert.True(r.ExitCode == 1, $"byte {i}: {r}");
        }
    }

    [Fact]
    public void AttestVerify_UntrustedKey_RefusedNamingTheKeyId()
    {
        var stranger = new ReproCli(Path.Combine(small.Temp, "stranger-" + Guid.NewGuid().ToString("N")));
        var keyId = ReproCli.Json(small.Cli.Run(small.Root, "attest", "verify", small.Attestation, "--json")).GetProperty("key_id").GetString()!;

        var r = stranger.Run(small.Root, "attest", "verify", small.Attestation);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"untrusted key {keyId}", r.Stderr);
    }

    [Fact]
    public void AttestVerify_ModelByteFlippedInTheStore_Invalid()
    {
        var ws = small.NewWorkspace("tamper-model-" + Guid.NewGuid().ToString("N"));
        PipelineCli.Check(small.Cli.Run(ws, "bundle", "import", small.Bundle));
        var model = Directory.EnumerateFiles(Path.Combine(ws, ".keel", "objects"), "*", SearchOption.AllDirectories)
            .Single(f => File.ReadAllText(f).Contains("seed=11", StringComparison.Ordinal));
        File.SetUnixFileMode(model, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(model);
        bytes[0] ^= 0x20;
        File.WriteAllBytes(model, bytes);

        var r = small.Cli.Run(ws, "attest", "verify", small.Attestation);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("was altered", r.Stdout);
    }

    [Fact]
    public void KeysGenerate_PrivateKeyIsOwnerOnly()
    {
        var keys = Directory.EnumerateFiles(Path.Combine(small.Cli.Home, "keys"), "*.key").ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(k)));
    }
}
