using System.Web;
using Keel.Workspaces;

namespace Keel.Slurm;

/// <summary>
/// <c>slurm+unix:///path/slurmrestd.sock</c> or <c>slurm+http://host:port</c>, with optional
/// <c>?partition=P&amp;keel=/path/to/keel&amp;scratch=/node/local/tmp&amp;env=NAME,NAME</c>.
/// </summary>
/// <param name="KeelBinary">The keel the job runs on the node (default: this keel's path; it must exist on the nodes).</param>
/// <param name="Scratch">Node-local folder for the job's working directory, its home and Slurm's own output file.</param>
/// <param name="Forward">Environment variables copied from the submitter into every job when set (as sbatch's <c>--export=NAME</c>).</param>
internal sealed record SlurmOptions(string Endpoint, string? Partition, string KeelBinary, string Scratch, IReadOnlyList<string> Forward)
{
    /// <summary>
    /// Forwarded without being asked: what a .NET stage needs to find the runtime and a NuGet
    /// packages folder the job's user can read, and the object store's credentials.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultForward =
        ["DOTNET_ROOT", "NUGET_PACKAGES", "NUGET_FALLBACK_PACKAGES", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

    public static SlurmOptions Parse(string uri)
    {
        if (!uri.StartsWith("slurm+", StringComparison.Ordinal))
            throw new KeelException($"executor: '{Backends.Redact(uri)}' is not a Slurm URI; write slurm+unix:///path/slurmrestd.sock or slurm+http://host:port");
        var rest = uri["slurm+".Length..];
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(q < 0 ? "" : rest[(q + 1)..]);
        var endpoint = q < 0 ? rest : rest[..q];
        if (!endpoint.StartsWith("unix://", StringComparison.Ordinal) && !endpoint.StartsWith("http://", StringComparison.Ordinal) && !endpoint.StartsWith("https://", StringComparison.Ordinal))
            throw new KeelException($"executor: '{uri}' must be slurm+unix:///path.sock or slurm+http(s)://host:port");
        var keel = query["keel"] ?? Environment.GetEnvironmentVariable("KEEL_WORKER_BINARY") ?? DefaultBinary();
        var extra = (query["env"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in extra)
        {
            if (!IsVariableName(name))
                throw new KeelException($"executor: env={query["env"]}: '{name}' is not an environment variable name; write env=NAME,NAME");
        }
        return new SlurmOptions(endpoint, query["partition"], keel, query["scratch"] ?? "/tmp", [.. DefaultForward.Concat(extra).Distinct(StringComparer.Ordinal)]);
    }

    private static bool IsVariableName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string DefaultBinary()
    {
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "keel" ? self : "keel";
    }
}
