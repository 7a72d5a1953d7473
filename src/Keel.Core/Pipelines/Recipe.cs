using System.Runtime.InteropServices;
using System.Text.Json;
using Keel.Datasets;
using Keel.Objects;

namespace Keel.Pipelines;

/// <summary>
/// Everything that decides a stage's outputs: command, input digests (code included), param
/// values, seed, declared outputs and the environment lock. Its digest keys the run cache.
/// </summary>
public sealed record Recipe(
    string Stage,
    string Command,
    IReadOnlyList<TreeDigest> Inputs,
    IReadOnlyList<KeyValuePair<string, string>> Params,
    int? Seed,
    IReadOnlyList<OutSpec> Outs,
    string EnvironmentLock)
{
    /// <summary>
    /// The environment that can change what a stage computes without any file changing: OS
    /// family, architecture and .NET major version. Deliberately coarse, so a kernel patch
    /// does not invalidate every cached result; the full environment is recorded per run.
    /// </summary>
    public static string CurrentEnvironmentLock { get; } =
        $"{(OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "macos" : "windows")}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}-net{Environment.Version.Major}";

    /// <summary>The canonical JSON bytes the digest is taken over (sorted, no whitespace).</summary>
    public byte[] CanonicalBytes()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("schema", 1);
            w.WriteString("cmd", Command);
            w.WriteStartArray("deps");
            foreach (var i in Inputs.OrderBy(i => i.Path, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("path", i.Path);
                w.WriteString("digest", i.Digest.ToString());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("params");
            foreach (var (k, v) in Params.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(k, v);
            w.WriteEndObject();
            if (Seed is { } s) w.WriteNumber("seed", s);
            else w.WriteNull("seed");
            w.WriteStartArray("outs");
            foreach (var o in Outs.OrderBy(o => o.Path, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("path", o.Path);
                w.WriteString("kind", o.Kind);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("env", EnvironmentLock);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public Digest Digest => ContentHasher.Hash(CanonicalBytes());
}
