using System.Web;
using Keel.Workspaces;

namespace Keel.Slurm;

/// <summary>
/// <c>slurm+unix:///path/slurmrestd.sock</c> or <c>slurm+http://host:port</c>, with optional
/// <c>?partition=P&amp;keel=/path/to/keel&amp;scratch=/node/local/tmp</c>.
/// </summary>
/// <param name="KeelBinary">The keel the job runs on the node (default: this keel's path; it must exist on the nodes).</param>
/// <param name="Scratch">Node-local folder for the job's working directory and Slurm's own output file.</param>
internal sealed record SlurmOptions(string Endpoint, string? Partition, string KeelBinary, string Scratch)
{
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
        return new SlurmOptions(endpoint, query["partition"], keel, query["scratch"] ?? "/tmp");
    }

    private static string DefaultBinary()
    {
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "keel" ? self : "keel";
    }
}
