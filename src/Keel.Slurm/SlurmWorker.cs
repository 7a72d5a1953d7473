using System.Text.Json;
using Keel.Metadata;
using Keel.Objects;
using Keel.Pipelines;
using Keel.Workspaces;

namespace Keel.Slurm;

/// <summary>
/// <c>keel worker run</c>, on a Slurm node: materialises the inputs from the object store into a
/// scratch folder, runs the command there, stores the outputs and logs as objects, and reports
/// a result blob the submitter reads. Nothing is shared with the submitter but the object store.
/// </summary>
public static class SlurmWorker
{
    /// <summary>Runs one spec; returns the command's exit code (so Slurm's job state and afterok follow it).</summary>
    public static async Task<int> RunAsync(string specBase64, string objectsUri, string scratchRoot, CancellationToken cancellationToken)
    {
        var spec = JsonSerializer.Deserialize<WorkerSpec>(Convert.FromBase64String(specBase64))
            ?? throw new KeelException("empty worker spec");
        var scratch = Path.Combine(scratchRoot, "keel-worker-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        var store = Backends.OpenObjects(new BackendContext(objectsUri, scratch, TimeProvider.System));
        // Withdraws the worker's write intent when it ends; the submitting keel run holds its own until it commits.
        using var closeStore = store as IDisposable;
        var named = store as INamedObjects ?? throw new KeelException("the object store cannot hold job results");
        var tree = Path.Combine(scratch, "tree");
        var logs = Path.Combine(scratch, "logs");
        Directory.CreateDirectory(tree);
        Directory.CreateDirectory(logs);
        WorkerResult result;
        try
        {
            foreach (var input in spec.Inputs)
                ObjectTrees.Materialize(store, Digest.Parse(input.Digest), input.Kind == "file" ? TreeKind.File : TreeKind.Directory, Path.Combine(tree, input.Path));
            StageLaunch.CreateOutputParents(tree, spec.Outputs);
            // The submitter's metrics file is not on this node: the stage appends to one in scratch, shipped back with the result.
            var env = new Dictionary<string, string>(spec.Environment);
            var metricsFile = Path.Combine(scratch, "metrics.jsonl");
            if (env.ContainsKey(Keel.Tracking.KeelRunEnvironment.MetricsFile)) env[Keel.Tracking.KeelRunEnvironment.MetricsFile] = metricsFile;
            var job = new StageJob(spec.Stage, spec.Command, tree, env, new StageResources(1, 0, 0),
                Path.Combine(logs, "stdout"), Path.Combine(logs, "stderr"), null);
            var outcome = await new LocalExecutor(TimeProvider.System).ExecuteAsync(job, cancellationToken).ConfigureAwait(false);
            var outputs = new List<WorkerPath>();
            string? error = null;
            if (outcome.Succeeded)
            {
                foreach (var o in spec.Outputs)
                {
                    if (ObjectTrees.Store(store, Path.Combine(tree, o)) is { } stored)
                        outputs.Add(new WorkerPath(o, stored.Digest.ToString(), stored.Kind == TreeKind.File ? "file" : "directory"));
                }
            }
            result = new WorkerResult(outcome.ExitCode, error ?? outcome.Error, StoreLog(store, job.StdoutPath), StoreLog(store, job.StderrPath),
                outputs, outcome.Wall.TotalSeconds, outcome.CpuSeconds, outcome.PeakMemoryBytes, Environment.MachineName)
            {
                Metrics = StoreLog(store, metricsFile),
            };
        }
        catch (Exception e) when (e is KeelException or IOException)
        {
            result = new WorkerResult(125, $"worker on {Environment.MachineName}: {e.Message}", null, null, [], 0, 0, 0, Environment.MachineName);
        }
        named.PutNamed(spec.ResultName, JsonSerializer.SerializeToUtf8Bytes(result));
        TryDelete(scratch);
        return result.ExitCode;
    }

    private static string? StoreLog(IObjectStore store, string path) =>
        File.Exists(path) ? ObjectTrees.Store(store, path)?.Digest.ToString() : null;

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
