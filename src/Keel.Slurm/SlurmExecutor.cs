using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Metadata;
using Keel.Objects;
using Keel.Pipelines;
using Keel.Workspaces;

namespace Keel.Slurm;

/// <summary>
/// Runs each stage as a Slurm job through slurmrestd. The job script runs <c>keel worker run</c>,
/// which fetches the inputs from the object store into node-local scratch, runs the command,
/// and pushes outputs and logs back, so no shared filesystem is assumed. This side polls the
/// job, then copies the outputs and logs from the store into the stage's sandbox.
/// </summary>
public sealed class SlurmExecutor : IStageExecutor, IDisposable
{
    private readonly SlurmRestClient _client;
    private readonly IObjectStore _objects;
    private readonly INamedObjects _named;
    private readonly string _objectsUri;
    private readonly SlurmOptions _options;
    private readonly TimeProvider _time;

    internal SlurmExecutor(SlurmOptions options, IObjectStore objects, string objectsUri, TimeProvider time)
    {
        _options = options;
        _client = new SlurmRestClient(options.Endpoint);
        _objects = objects;
        _named = objects as INamedObjects
            ?? throw new KeelException("executor: slurm needs an object store workers can reach (s3://...); this one cannot hold job results");
        _objectsUri = objectsUri;
        _time = time;
    }

    public string Name => "slurm";

    public async Task<StageOutcome> ExecuteAsync(StageJob job, CancellationToken cancellationToken)
    {
        var submitted = await SubmitAsync(job, [], cancellationToken).ConfigureAwait(false);
        return await WaitAsync(submitted, job, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Submits a stage; with <paramref name="afterOk"/> it starts only when those jobs completed successfully (Slurm's afterok).</summary>
    public async Task<SlurmJob> SubmitAsync(StageJob job, IReadOnlyList<SlurmJob> afterOk, CancellationToken cancellationToken)
    {
        foreach (var input in job.Inputs)
        {
            if (!_objects.Contains(input.Digest))
                throw new KeelException($"stage '{job.Stage}': input {input.Path} ({input.Digest.Short}) is not in the object store; workers could not fetch it");
        }
        var resultName = $"jobs/{Guid.CreateVersion7(_time.GetUtcNow()):N}.json";
        var spec = new WorkerSpec(job.Stage, job.Command,
            job.Inputs.Select(i => new WorkerPath(i.Path, i.Digest.ToString(), i.Kind == TreeKind.File ? "file" : "directory")).ToList(),
            job.Outputs, new Dictionary<string, string>(job.Environment), resultName);
        var body = new JsonObject
        {
            ["script"] = Script(spec),
            ["job"] = JobProperties(job, afterOk),
        };
        var id = await _client.SubmitAsync(body, cancellationToken).ConfigureAwait(false);
        return new SlurmJob(id, resultName);
    }

    /// <summary>Polls until the job ends; cancellation cancels the job (scancel) and reports Killed.</summary>
    public async Task<StageOutcome> WaitAsync(SlurmJob submitted, StageJob job, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        string state;
        JsonObject? record;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await _client.CancelAsync(submitted.Id, CancellationToken.None).ConfigureAwait(false);
                await WriteLogsAsync(job, null, $"cancelled: slurm job {submitted.Id} was cancelled (scancel) by an interrupt").ConfigureAwait(false);
                return new StageOutcome(130, true, _time.GetElapsedTime(started), 0, 0, null);
            }
            record = await _client.GetJobAsync(submitted.Id, CancellationToken.None).ConfigureAwait(false);
            state = StateOf(record);
            if (IsFinal(state)) break;
            if (state == "PENDING" && record?["state_reason"]?.ToString() == "DependencyNeverSatisfied")
            {
                // An afterok upstream failed: Slurm would keep this job pending forever.
                await _client.CancelAsync(submitted.Id, CancellationToken.None).ConfigureAwait(false);
                var why = $"slurm job {submitted.Id} never ran: an upstream job it depends on (afterok) did not succeed";
                await WriteLogsAsync(job, null, why).ConfigureAwait(false);
                return new StageOutcome(1, false, _time.GetElapsedTime(started), 0, 0, why);
            }
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            delay = TimeSpan.FromMilliseconds(Math.Min(1000, delay.TotalMilliseconds * 1.5));
        }
        return await FinishAsync(submitted, job, state, record, started).ConfigureAwait(false);
    }

    private async Task<StageOutcome> FinishAsync(SlurmJob submitted, StageJob job, string state, JsonObject? record, long started)
    {
        var wall = _time.GetElapsedTime(started);
        var resultBytes = _named.GetNamed(submitted.ResultName);
        _named.DeleteNamed(submitted.ResultName);
        var result = resultBytes is null ? null : JsonSerializer.Deserialize<WorkerResult>(resultBytes);
        var reason = record?["state_reason"]?.ToString();
        var exit = ExitCodeOf(record);
        if (result is null)
        {
            var why = $"slurm job {submitted.Id} ended {state}{(reason is null or "None" ? "" : $" ({reason})")} with exit code {exit} before its worker reported; see the node's slurmd log";
            await WriteLogsAsync(job, null, why).ConfigureAwait(false);
            return new StageOutcome(exit == 0 ? 1 : exit, state == "CANCELLED", wall, 0, 0, why);
        }
        await WriteLogsAsync(job, result, null).ConfigureAwait(false);
        if (result.ExitCode == 0 && result.Error is null)
        {
            foreach (var o in result.Outputs)
            {
                var dest = Path.Combine(job.WorkingDirectory, o.Path.Replace('/', Path.DirectorySeparatorChar));
                if (Directory.Exists(dest)) Directory.Delete(dest, recursive: true);
                ObjectTrees.Materialize(_objects, Digest.Parse(o.Digest), o.Kind == "file" ? TreeKind.File : TreeKind.Directory, dest);
            }
        }
        if (result.Metrics is not null && job.Environment.TryGetValue(Keel.Tracking.KeelRunEnvironment.MetricsFile, out var metricsFile))
            _objects.CopyTo(Digest.Parse(result.Metrics), metricsFile);
        var error = result.Error ?? (state is "COMPLETED" or "FAILED" ? null : $"slurm job {submitted.Id} ended {state}{(reason is null or "None" ? "" : $" ({reason})")}");
        return new StageOutcome(result.ExitCode, state == "CANCELLED", wall, result.CpuSeconds, result.PeakMemoryBytes, error);
    }

    /// <summary>The job's stdout and stderr as the worker stored them (the log a failed run carries), or a note of why there is none.</summary>
    private async Task WriteLogsAsync(StageJob job, WorkerResult? result, string? note)
    {
        foreach (var (digest, path) in new[] { (result?.Stdout, job.StdoutPath), (result?.Stderr, job.StderrPath) })
        {
            if (digest is not null) _objects.CopyTo(Digest.Parse(digest), path);
            else await File.WriteAllTextAsync(path, note is null ? "" : note + "\n").ConfigureAwait(false);
        }
        if (job.OnLine is not null && File.Exists(job.StderrPath))
        {
            foreach (var line in await File.ReadAllLinesAsync(job.StderrPath).ConfigureAwait(false)) job.OnLine(line, true);
        }
    }

    private string Script(WorkerSpec spec)
    {
        var encoded = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(spec));
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append("# keel stage '").Append(spec.Stage.Replace("'", "", StringComparison.Ordinal)).Append("': fetch inputs, run, push outputs (no shared filesystem)\n");
        // The job runs as whoever Slurm maps the submission to (slurmrestd's user under rest_auth/local), whose
        // home may not exist on the node: give it a private, persistent home in node-local scratch, so the .NET
        // SDK's first-run files and a NuGet packages folder (unless NUGET_PACKAGES is forwarded) are its own.
        sb.Append("scratch=${TMPDIR:-").Append(Quote(_options.Scratch)).Append("}\n");
        sb.Append("home=\"$scratch/keel-home-$(id -u)\"\n");
        sb.Append("mkdir -p \"$home\" && chmod 700 \"$home\" || exit 125\n");
        sb.Append("export HOME=\"$home\" DOTNET_CLI_HOME=\"$home\" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1\n");
        sb.Append("exec ").Append(Quote(_options.KeelBinary)).Append(" worker run --scratch \"$scratch\" --spec ").Append(encoded).Append('\n');
        return sb.ToString();
    }

    private JsonObject JobProperties(StageJob job, IReadOnlyList<SlurmJob> afterOk)
    {
        // The object store's credentials travel in the job's environment, never in the script text.
        var env = new JsonObject
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["KEEL_WORKER_OBJECTS"] = _objectsUri,
        };
        foreach (var name in _options.Forward)
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } v) env[name] = v;
        }
        var props = new JsonObject
        {
            ["name"] = "keel-" + job.Stage,
            ["cpus_per_task"] = Math.Max(1, job.Resources.Cpus),
            ["current_working_directory"] = _options.Scratch,
            ["standard_output"] = Path.Combine(_options.Scratch, "keel-slurm-%j.out"),
            ["environment"] = env,
        };
        if (job.Resources.MemoryBytes > 0) props["memory_per_node"] = (long)Math.Ceiling(job.Resources.MemoryBytes / 1048576.0);
        if (_options.Partition is not null) props["partition"] = _options.Partition;
        if (afterOk.Count > 0)
            props["dependency"] = "afterok:" + string.Join(':', afterOk.Select(a => a.Id.ToString(CultureInfo.InvariantCulture)));
        return props;
    }

    private static string StateOf(JsonObject? record) => record?["job_state"]?.ToString() ?? "UNKNOWN";

    private static bool IsFinal(string state) => state is "COMPLETED" or "FAILED" or "CANCELLED" or "TIMEOUT" or "NODE_FAIL"
        or "OUT_OF_MEMORY" or "BOOT_FAIL" or "DEADLINE" or "PREEMPTED" or "UNKNOWN";

    private static int ExitCodeOf(JsonObject? record) =>
        record?["exit_code"] is JsonValue v && v.TryGetValue<int>(out var code) ? code : -1;

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public void Dispose() => _client.Dispose();
}
