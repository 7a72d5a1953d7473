using System.Text.Json.Serialization;

namespace Keel.Slurm;

/// <summary>What a worker runs, written into the job script: everything it needs besides the object store's credentials.</summary>
internal sealed record WorkerSpec(
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("inputs")] IReadOnlyList<WorkerPath> Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<string> Outputs,
    [property: JsonPropertyName("env")] IReadOnlyDictionary<string, string> Environment,
    [property: JsonPropertyName("result")] string ResultName);

/// <summary>A path with the object it holds; <c>kind</c> is file or directory.</summary>
internal sealed record WorkerPath(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("kind")] string Kind);

/// <summary>What a worker reports back through the object store: exit code, logs and outputs as objects.</summary>
internal sealed record WorkerResult(
    [property: JsonPropertyName("exit_code")] int ExitCode,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("stdout")] string? Stdout,
    [property: JsonPropertyName("stderr")] string? Stderr,
    [property: JsonPropertyName("outputs")] IReadOnlyList<WorkerPath> Outputs,
    [property: JsonPropertyName("wall_seconds")] double WallSeconds,
    [property: JsonPropertyName("cpu_seconds")] double CpuSeconds,
    [property: JsonPropertyName("peak_memory_bytes")] long PeakMemoryBytes,
    [property: JsonPropertyName("host")] string Host)
{
    /// <summary>What the stage appended to KEEL_METRICS_FILE on the node, as an object (null: nothing).</summary>
    [JsonPropertyName("metrics")]
    public string? Metrics { get; init; }
}
