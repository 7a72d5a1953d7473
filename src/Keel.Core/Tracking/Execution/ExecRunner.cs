using System.Globalization;
using System.Runtime.InteropServices;
using Keel.Tracking.Capture;
using Keel.Workspaces;

namespace Keel.Tracking.Execution;

/// <summary>
/// Runs any command as a tracked run: captures code, environment and seed, hands the run to
/// the command through KEEL_* variables, shows stdout and stderr live while storing them as
/// log objects, heartbeats while it runs, then records exit status, resource use (wait4),
/// reported metrics and declared outputs, and finishes the run with its lineage.
/// </summary>
internal sealed class ExecRunner(Workspace workspace)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    public async Task<ExecResult> RunAsync(ExecRequest request, Stream liveOut, Stream liveErr, CancellationToken cancellationToken)
    {
        if (request.Command.Count == 0) throw new KeelException("keel exec needs a command after '--', e.g. keel exec -- python train.py");
        var name = request.Name ?? Path.GetFileName(request.Command[0]);
        var runs = workspace.Metadata.Runs;
        var run = await RunStarter.StartAsync(workspace, new RunStartOptions(
            name, request.Experiment, "exec", ChildProcess.Describe(request.Command), request.WorkingDirectory, request.Seed,
            EnvironmentCapture.DepsJsonForCommand(request.Command), Environment.ProcessId), cancellationToken).ConfigureAwait(false);
        var scratch = Path.Combine(workspace.KeelDir, "tmp", "run-" + run.Id);
        Directory.CreateDirectory(scratch);
        try
        {
            return await ExecuteAsync(request, run, scratch, liveOut, liveErr, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        async Task<ExecResult> ExecuteAsync(ExecRequest req, Run r, string dir, Stream o, Stream e, CancellationToken ct)
        {
            var metricsFile = Path.Combine(dir, "metrics.jsonl");
            var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(x => (string)x.Key, x => (string?)x.Value ?? "", StringComparer.Ordinal);
            env[KeelRunEnvironment.RunId] = r.Id.ToString();
            env[KeelRunEnvironment.Workspace] = workspace.Root;
            env[KeelRunEnvironment.Seed] = r.Seed.ToString(CultureInfo.InvariantCulture);
            env[KeelRunEnvironment.MetricsFile] = metricsFile;
            if (r.Experiment is not null) env[KeelRunEnvironment.Experiment] = r.Experiment;

            ChildProcess child;
            try
            {
                child = ChildProcess.Start(req.Command, env);
            }
            catch (KeelException start)
            {
                var failed = await runs.FinishAsync(r.Id, new RunCompletion(RunStatus.Failed, workspace.Time.GetUtcNow(), start.ExitCode, null, start.Message), ct).ConfigureAwait(false);
                return new ExecResult(failed, start.ExitCode, [start.Message]);
            }
            // Ctrl-C reaches the child through the terminal; keel survives it to record the end. SIGTERM is forwarded.
            using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                child.Signal(15);
            });
            var stdoutFile = Path.Combine(dir, "stdout");
            var stderrFile = Path.Combine(dir, "stderr");
            var pumps = Task.WhenAll(Pump(child.StandardOutput, o, stdoutFile), Pump(child.StandardError, e, stderrFile));
            using var stopHeartbeat = new CancellationTokenSource();
            var heartbeat = HeartbeatAsync(r.Id, stopHeartbeat.Token);
            var exit = await child.WaitAsync().ConfigureAwait(false);
            // A background grandchild may keep the pipes open; do not wait for it forever.
            await Task.WhenAny(pumps, Task.Delay(DrainTimeout, workspace.Time, CancellationToken.None)).ConfigureAwait(false);
            await stopHeartbeat.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
            var end = workspace.Time.GetUtcNow();

            var warnings = new List<string>();
            var outputs = new List<RunOutput>();
            foreach (var (stream, file) in new[] { ("stdout", stdoutFile), ("stderr", stderrFile) })
            {
                if (!File.Exists(file)) continue;
                var (d, m, b) = ArtifactStorer.Store(workspace.Objects, file);
                outputs.Add(new RunOutput(stream, "log", d, m, b));
            }
            var metrics = new List<MetricPoint>();
            if (File.Exists(metricsFile))
            {
                try
                {
                    metrics.AddRange(MetricsFile.Parse(await File.ReadAllTextAsync(metricsFile, ct).ConfigureAwait(false), end));
                    var (d, m, b) = ArtifactStorer.Store(workspace.Objects, metricsFile);
                    outputs.Add(new RunOutput("metrics.jsonl", "metrics", d, m, b));
                }
                catch (KeelException bad)
                {
                    warnings.Add($"{KeelRunEnvironment.MetricsFile}: {bad.Message}; those metrics were not recorded");
                }
            }
            var missing = new List<string>();
            foreach (var (path, kind) in req.Outputs)
            {
                var full = Path.GetFullPath(Path.Combine(req.WorkingDirectory, path));
                if (!File.Exists(full) && !Directory.Exists(full))
                {
                    missing.Add(path);
                    continue;
                }
                var (d, m, b) = ArtifactStorer.Store(workspace.Objects, full);
                var label = full.StartsWith(workspace.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    ? Path.GetRelativePath(workspace.Root, full).Replace(Path.DirectorySeparatorChar, '/')
                    : path;
                outputs.Add(new RunOutput(label, kind, d, m, b));
            }
            await runs.LogAsync(r.Id, RunBatch.Empty with { Metrics = metrics, Outputs = outputs }, ct).ConfigureAwait(false);

            var detail = await runs.GetDetailAsync(r.Id, ct).ConfigureAwait(false);
            var status = exit.Signal is 1 or 2 or 9 or 15 ? RunStatus.Killed : exit.ExitCode == 0 ? RunStatus.Finished : RunStatus.Failed;
            string? reason = exit.Signal is { } sig ? $"terminated by signal {sig}" : exit.ExitCode != 0 ? $"exit code {exit.ExitCode}" : null;
            var exitCode = exit.ExitCode;
            if (status == RunStatus.Finished && detail!.Tags.TryGetValue(KeelRunEnvironment.FailedTag, out var why))
                (status, reason) = (RunStatus.Failed, $"the program marked the run failed: {why}");
            if (missing.Count > 0)
            {
                warnings.Add($"declared output{(missing.Count > 1 ? "s" : "")} not written: {string.Join(", ", missing)}");
                if (status == RunStatus.Finished) (status, reason, exitCode) = (RunStatus.Failed, warnings[^1], ExitCodes.CheckFailed);
            }
            var resources = new RunResources(exit.CpuSeconds, exit.PeakMemoryBytes, (end - r.StartedAt).TotalSeconds);
            var finished = await runs.FinishAsync(r.Id, new RunCompletion(status, end, exit.ExitCode, resources, reason), CancellationToken.None).ConfigureAwait(false);
            return new ExecResult(finished, exitCode, warnings);
        }
    }

    private async Task HeartbeatAsync(RunId id, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(RunReaper.HeartbeatInterval, workspace.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
                await workspace.Metadata.Runs.HeartbeatAsync(id, workspace.Time.GetUtcNow(), stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static Task Pump(Stream from, Stream live, string file) => Task.Factory.StartNew(
        () =>
        {
            using var source = from;
            using var log = File.Create(file);
            var buffer = new byte[64 * 1024];
            var showing = true;
            int n;
            while ((n = source.Read(buffer)) > 0)
            {
                log.Write(buffer, 0, n);
                if (!showing) continue;
                try
                {
                    live.Write(buffer, 0, n);
                    live.Flush();
                }
                catch (IOException)
                {
                    showing = false; // the reader went away (e.g. piped into head): keep storing.
                }
            }
        },
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);
}
