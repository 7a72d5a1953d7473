using System.Collections.Concurrent;
using Keel.Datasets;
using Keel.Metadata;
using Keel.Objects;
using Keel.Tracking;
using Keel.Workspaces;

namespace Keel.Pipelines;

/// <summary>
/// <c>keel run</c>: decides per stage whether to skip (recipe unchanged, outputs intact),
/// restore (recipe in the run cache) or execute, in dependency order with up to N at once.
/// A failed stage keeps its old outputs and stops only its dependents.
/// </summary>
public sealed class PipelineRunner
{
    public const string PipelineFile = "keel.yaml";

    private readonly Workspace _ws;
    private readonly IStageExecutor _executor;
    private readonly IProgress<string>? _log;
    private readonly ConcurrentDictionary<string, TreeDigest?> _digests = new(StringComparer.Ordinal);
    private readonly Lock _lockGate = new();
    private readonly Dictionary<string, DatasetVersion> _datasets = new(StringComparer.Ordinal);
    private IReadOnlyList<DatasetVersion>? _latestDatasets;

    // The metadata database is one SQLite connection, which is not safe for concurrent use:
    // with --jobs N, stages take turns to read or write it.
    private readonly SemaphoreSlim _metadataGate = new(1, 1);
    private Dictionary<string, LockedStage> _lock = [];
    private SourceFile _lockSource = new(LockFile.FileName, null);
    private ParamsReader? _params;
    private IReadOnlyList<string> _varsFiles = [];
    private StageRecorder? _recorderField;

    private StageRecorder _recorder => _recorderField ??= new StageRecorder(_ws);

    public PipelineRunner(Workspace workspace, IStageExecutor executor, IProgress<string>? log = null)
    {
        _ws = workspace;
        _executor = executor;
        _log = log;
    }

    private string LockPath => Path.Combine(_ws.Root, LockFile.FileName);

    /// <summary>The outputs the last <see cref="RunAsync"/> added to the workspace's .gitignore.</summary>
    public IReadOnlyList<string> Gitignored { get; private set; } = [];

    public PipelineGraph LoadGraph()
    {
        var pipeline = PipelineParser.ParseFile(Path.Combine(_ws.Root, PipelineFile), PipelineFile);
        return PipelineGraph.Build(pipeline, Exists);
    }

    private bool Exists(string path) => File.Exists(_ws.FullPath(path)) || Directory.Exists(_ws.FullPath(path));

    public async Task<IReadOnlyList<StageReport>> RunAsync(RunOptions options, CancellationToken cancellationToken)
    {
        if (options.Jobs < 1) throw new KeelException("--jobs must be at least 1");
        Diagnostics.Trace("run: start");
        using var runLock = AcquireRunLock();
        // Stages a killed keel left running would go on writing into the sandboxes recovered next.
        var reaped = ProcessGroups.ReapLeftovers(_ws.KeelDir);
        if (reaped > 0) _log?.Report($"ended {reaped} stage process group(s) left running by a killed keel");
        var recovered = StageSandbox.Recover(_ws.Root, _ws.KeelDir);
        if (recovered > 0) _log?.Report($"finished moving the outputs of {recovered} stage(s) interrupted by a kill");
        Diagnostics.Trace("run: recovered");
        // The no-op snapshot says "all up to date" only for the state the last run left; this
        // run may change that state, so the snapshot goes until this run writes a new one.
        if (!options.DryRun) NoopSnapshot.Delete(_ws.KeelDir);
        var cached = PipelineCache.TryLoad(_ws.Root, _ws.KeelDir);
        Diagnostics.Trace("run: cache loaded");
        var pipelineSource = cached?.Files.First(f => f.Path == PipelineFile) ?? SourceFile.Read(Path.Combine(_ws.Root, PipelineFile), PipelineFile);
        var graph = cached is not null ? PipelineGraph.Build(cached.Pipeline, Exists)
            : pipelineSource.Content is null ? LoadGraph()
            : PipelineGraph.Build(PipelineParser.Parse(SourceFile.Text(pipelineSource.Content), PipelineFile), Exists);
        Diagnostics.Trace(cached is null ? "run: keel.yaml parsed" : "run: keel.yaml from cache");
        foreach (var t in options.Targets)
        {
            if (graph.Pipeline.Find(t) is null)
                throw new KeelException($"no stage named '{t}' in {PipelineFile}; stages: {string.Join(", ", graph.Order.Select(s => s.Name))}");
        }
        var plan = options.Targets.Count == 0 ? graph.Order : graph.Closure(options.Targets);
        await ResolveDatasetDepsAsync(plan, cancellationToken).ConfigureAwait(false);
        _lockSource = cached?.Files.First(f => f.Path == LockFile.FileName) ?? SourceFile.Read(LockPath, LockFile.FileName);
        _lock = cached?.Lock ?? LockFile.Parse(_lockSource.Content);
        _params = new ParamsReader(_ws.Root, cached?.Params, cached?.Files);
        _varsFiles = graph.Pipeline.VarsFiles;
        Diagnostics.Trace("run: keel.lock read");

        var reports = new ConcurrentDictionary<string, StageReport>();
        var running = new Dictionary<string, Task<StageReport>>();
        var pending = plan.ToList();
        while (pending.Count > 0 || running.Count > 0)
        {
            foreach (var stage in pending.ToList())
            {
                if (running.Count >= options.Jobs) break;
                var ups = graph.Upstream(stage.Name).Where(u => plan.Any(p => p.Name == u)).ToList();
                if (ups.Any(u => !reports.ContainsKey(u))) continue;
                pending.Remove(stage);
                var failed = ups.FirstOrDefault(u => reports[u].State is StageState.Failed or StageState.Killed or StageState.NotRun);
                if (failed is not null)
                {
                    reports[stage.Name] = new StageReport(stage.Name, StageState.NotRun, TimeSpan.Zero, null, null, null, $"upstream stage '{failed}' did not succeed", []);
                    continue;
                }
                if (cancellationToken.IsCancellationRequested)
                {
                    reports[stage.Name] = new StageReport(stage.Name, StageState.NotRun, TimeSpan.Zero, null, null, null, "interrupted", []);
                    continue;
                }
                var upstreamWouldRun = ups.Any(u => reports[u].State == StageState.WouldRun);
                running[stage.Name] = Task.Run(() => ProcessStageAsync(stage, options, upstreamWouldRun, cancellationToken), CancellationToken.None);
            }
            if (running.Count == 0) continue;
            var done = await Task.WhenAny(running.Values).ConfigureAwait(false);
            var name = running.First(kv => kv.Value == done).Key;
            running.Remove(name);
            reports[name] = await done.ConfigureAwait(false);
        }
        Diagnostics.Trace("run: stages done");
        var result = plan.Select(s => reports[s.Name]).ToList();
        if (!options.DryRun && result.Any(r => r.State is StageState.Ran or StageState.Restored))
        {
            // Only after a stage wrote something: an all-skipped run starts no git process.
            Gitignored = OutputGitignore.Add(_ws.Root, [.. result.Where(r => r.State is StageState.Ran or StageState.Restored or StageState.Skipped)
                .SelectMany(r => graph.Pipeline.Find(r.Stage)!.Outs.Select(o => o.Path))]);
            Diagnostics.Trace("run: .gitignore checked");
        }
        if (!options.DryRun)
        {
            lock (_lockGate)
            {
                IReadOnlyList<SourceFile> sources = [pipelineSource, _lockSource, .. _params.Sources];
                PipelineCache.Save(_ws.KeelDir, sources, graph.Pipeline, _lock, _params.Loaded);
                if (plan.Count == graph.Order.Count && result.All(r => r.State is StageState.Skipped or StageState.Ran or StageState.Restored))
                {
                    var written = NoopSnapshotWriter.TryWrite(_ws, graph, _lock, _params, sources);
                    Diagnostics.Trace(written is null ? "run: no-op snapshot written" : $"run: no-op snapshot not written: {written}");
                }
            }
        }
        _ws.StatCache.Save();
        Diagnostics.Trace("run: stat cache saved");
        return result;
    }

    private async Task<StageReport> ProcessStageAsync(StageDefinition stage, RunOptions options, bool upstreamWouldRun, CancellationToken ct)
    {
        var started = _ws.Time.GetTimestamp();
        try
        {
            // From here on the stage's command carries its param values: it is what runs, is recorded and keys the recipe.
            stage = CommandInterpolation.Resolve(stage, _varsFiles, _params!);
            if (options.DryRun && upstreamWouldRun)
                return Report(stage, StageState.WouldRun, started, message: "an upstream stage would run");
            // Digests only: storing inputs (an existence check per file) is needed only if the stage runs.
            var inputs = await CaptureInputsAsync(stage, store: false, ct).ConfigureAwait(false);
            var seed = stage.Seed ?? DefaultSeed(stage.Name);
            var recipe = new Recipe(stage.Name, stage.Command, inputs.Select(i => i.Digest).ToList(),
                stage.Params.Select(p => new KeyValuePair<string, string>($"{p.File}:{p.Key}", _params!.Get(p))).ToList(),
                stage.Seed, stage.Outs, Recipe.CurrentEnvironmentLock);
            var digest = recipe.Digest;
            Diagnostics.Trace($"run: {stage.Name} recipe computed");

            if (!options.Force)
            {
                LockedStage? locked;
                lock (_lockGate) _lock.TryGetValue(stage.Name, out locked);
                if (locked is not null && locked.Recipe == digest && OutputsIntact(locked.Outs))
                    return Report(stage, StageState.Skipped, started, recipe: digest);
                var cached = await WithMetadataAsync(() => _ws.Metadata.RunCache.FindAsync(digest, ct)).ConfigureAwait(false);
                if (cached is not null && cached.All(c => _ws.Objects.Contains(c.Digest)) && cached.Count == stage.Outs.Count)
                {
                    if (options.DryRun) return Report(stage, StageState.WouldRun, started, recipe: digest, message: "would restore from the run cache");
                    Restore(stage, cached);
                    var restoredFrom = await WithMetadataAsync(() => DatasetVersionsAsync(stage, inputs, ct)).ConfigureAwait(false);
                    UpdateLock(stage, recipe, inputs, restoredFrom, cached.Select(c => new LockedPath(c.Path, c.Digest, c.Kind, c.Bytes, c.Files, c.OutKind)).ToList());
                    return Report(stage, StageState.Restored, started, recipe: digest, message: "restored from the run cache");
                }
            }
            if (options.DryRun) return Report(stage, StageState.WouldRun, started, recipe: digest);
            // The stage will run: store its inputs, so the run can be reproduced from the store alone.
            inputs = await CaptureInputsAsync(stage, store: true, ct).ConfigureAwait(false);
            foreach (var (dep, d) in inputs.Where(i => i.Dep.DatasetRef is not null && !_ws.Objects.Contains(i.Digest.Digest)))
                throw new KeelException($"stage '{stage.Name}': {_datasets[dep.DatasetRef!].Ref} ({d.Digest}) is missing from the object store; 'keel remote pull {_datasets[dep.DatasetRef!].Ref}' or 'keel fsck --repair' restores it");
            return await ExecuteAsync(stage, recipe, inputs, seed, started, ct).ConfigureAwait(false);
        }
        catch (KeelException e)
        {
            return Report(stage, StageState.Failed, started, message: e.Message);
        }
    }

    private async Task<StageReport> ExecuteAsync(StageDefinition stage, Recipe recipe, IReadOnlyList<(DepSpec Dep, TreeDigest Digest)> inputs, int seed, long started, CancellationToken ct)
    {
        var runId = await WithMetadataAsync(() => _recorder.StartAsync(stage, seed, CancellationToken.None)).ConfigureAwait(false);
        var id = runId.ToString();
        var logs = Path.Combine(_ws.KeelDir, "logs");
        Directory.CreateDirectory(logs);
        var stdoutPath = Path.Combine(logs, $"{id}.stdout.log");
        var stderrPath = Path.Combine(logs, $"{id}.stderr.log");
        var warnings = new List<string>();
        using var sandbox = StageSandbox.Create(_ws.Root, _ws.KeelDir, id, stage.Outs.Select(o => o.Path).ToList());
        PlaceDatasetVersions(inputs, sandbox);
        var env = StageLaunch.Environment(stage.Name, StageLaunch.SeedText(seed));
        env["KEEL_RUN_ID"] = id;
        env["KEEL_WORKSPACE"] = _ws.Root;
        env["KEEL_RECIPE"] = recipe.Digest.ToString();
        env[KeelRunEnvironment.MetricsFile] = StageMetrics.FilePath(sandbox.Dir);
        _log?.Report($"running {stage.Name}: {stage.Command}");
        var outcome = await _executor.ExecuteAsync(
            new StageJob(stage.Name, stage.Command, sandbox.Tree, env, stage.Resources, stdoutPath, stderrPath,
                (line, _) => _log?.Report($"[{stage.Name}] {line}"))
            {
                Inputs = JobInputs(stage, inputs),
                Outputs = stage.Outs.Select(o => o.Path).ToList(),
                ProcessRecords = ProcessGroups.RecordsDir(_ws.KeelDir),
            },
            ct).ConfigureAwait(false);

        var stdout = StoreLog(stdoutPath);
        var stderr = StoreLog(stderrPath);
        string? failure = outcome.Killed ? "killed (interrupted)"
            : outcome.Error ?? (outcome.ExitCode != 0 ? $"exited with code {outcome.ExitCode}{(outcome.ExitCode == 127 ? " (command not found)" : "")}" : null);

        var outputs = new List<(OutSpec Out, TreeDigest Digest)>();
        if (failure is null)
        {
            var missing = stage.Outs.FirstOrDefault(o => !File.Exists(sandbox.InTree(o.Path)) && !Directory.Exists(sandbox.InTree(o.Path)));
            if (missing is not null) failure = $"did not write its declared output '{missing.Path}'";
        }
        if (failure is null)
        {
            foreach (var w in sandbox.UndeclaredWrites())
                warnings.Add($"wrote '{w}', which is not a declared output; it was discarded (declare it under outs:)");
            failure = CheckInputsIntact(inputs, sandbox);
        }
        if (failure is null)
        {
            foreach (var o in stage.Outs)
                outputs.Add((o, TreeSnapshot.Capture(_ws, o.Path, store: true, fullPath: sandbox.InTree(o.Path))!));
        }

        var state = failure is null ? StageState.Ran : outcome.Killed ? StageState.Killed : StageState.Failed;
        var status = state switch { StageState.Ran => RunStatus.Finished, StageState.Killed => RunStatus.Killed, _ => RunStatus.Failed };
        var metrics = StageMetrics.Collect(stage, StageMetrics.FilePath(sandbox.Dir), failure is null ? sandbox.InTree : null, _ws.Time.GetUtcNow(), warnings);
        var versions = await WithMetadataAsync(() => DatasetVersionsAsync(stage, inputs, ct)).ConfigureAwait(false);
        var execution = new StageExecution(stage, recipe, inputs, LineageInputs(stage, inputs, versions), outputs, outcome, status, failure, stdout, stderr, _executor.Name) { Metrics = metrics };
        // The run (and its lineage) is recorded before the outputs move into the workspace: a
        // kill in between leaves a recorded run whose outputs the next run restores from cache.
        await WithMetadataAsync(async () =>
        {
            await _recorder.FinishAsync(runId, execution, CancellationToken.None).ConfigureAwait(false);
            if (failure is null && stage.Outs.All(o => o.Cache))
            {
                var cachedOutputs = outputs.Select(o => new CachedOutput(o.Out.Path, o.Digest.Digest, o.Digest.Kind, o.Digest.Bytes, o.Digest.Files, o.Out.Kind)).ToList();
                await _ws.Metadata.RunCache.SaveAsync(recipe.Digest, id, cachedOutputs, CancellationToken.None).ConfigureAwait(false);
            }
            return true;
        }).ConfigureAwait(false);
        if (failure is null)
        {
            sandbox.Commit();
            foreach (var o in stage.Outs) _digests.TryRemove(o.Path, out _);
            UpdateLock(stage, recipe, inputs, versions, outputs.Select(o => new LockedPath(o.Out.Path, o.Digest.Digest, o.Digest.Kind, o.Digest.Bytes, o.Digest.Files, o.Out.Kind)).ToList());
        }
        var report = Report(stage, state, started, id, recipe.Digest, failure is null ? null : stderrPath, failure, warnings);
        return state == StageState.Failed && outcome.ExitCode != 0 ? report with { StderrTail = StageLaunch.TailOfFile(stderrPath) } : report;
    }

    /// <summary>
    /// Inputs as the lineage should link them: a file inside another stage's directory output
    /// is recorded as that output (as keel.lock has it), so the graph connects the two runs; a
    /// dataset version (named, or the one a path dependency holds) is recorded as <c>name@N</c>,
    /// the node <c>keel add</c> made for it.
    /// </summary>
    private List<RunInput> LineageInputs(StageDefinition stage, IReadOnlyList<(DepSpec Dep, TreeDigest Digest)> inputs, IReadOnlyDictionary<DepSpec, DatasetVersion> versions)
    {
        var result = new List<RunInput>();
        foreach (var (dep, digest) in inputs)
        {
            RunInput input = new(dep.Path, digest.Digest, digest.Kind == TreeKind.Directory, "input");
            if (ProducerOf(stage, dep) is { } producer)
                input = new RunInput(producer.Path, producer.Digest, producer.Kind == TreeKind.Directory, "input");
            else if (versions.TryGetValue(dep, out var v))
                input = new RunInput(v.Ref, v.Digest, v.Kind == TreeKind.Directory, "dataset");
            if (!result.Any(r => r.Ref == input.Ref && r.Digest == input.Digest)) result.Add(input);
        }
        return result;
    }

    /// <summary>The output of another stage (as keel.lock has it) that a path dependency is, or lies inside.</summary>
    private LockedPath? ProducerOf(StageDefinition stage, DepSpec dep)
    {
        if (dep.DatasetRef is not null) return null;
        lock (_lockGate)
        {
            foreach (var locked in _lock.Values)
            {
                if (locked.Name == stage.Name) continue;
                var producer = locked.Outs.FirstOrDefault(o => PipelineGraph.IsInside(dep.Path, o.Path));
                if (producer is not null) return producer;
            }
        }
        return null;
    }

    /// <summary>
    /// Resolves every <c>name@N</c> and <c>name@latest</c> dependency of the planned stages once,
    /// before anything runs: an unknown name or version is one error at its place in keel.yaml,
    /// and every stage of this run sees the same version.
    /// </summary>
    private async Task ResolveDatasetDepsAsync(IReadOnlyList<StageDefinition> plan, CancellationToken ct)
    {
        foreach (var stage in plan)
        {
            var placed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var dep in stage.Deps)
            {
                if (dep.DatasetRef is null) continue;
                if (!_datasets.TryGetValue(dep.DatasetRef, out var v))
                {
                    try
                    {
                        v = await DatasetResolver.ResolveAsync(_ws, dep.DatasetRef, ct).ConfigureAwait(false);
                    }
                    catch (KeelException e) when (e is not PipelineException && e.ExitCode == ExitCodes.Usage)
                    {
                        throw new PipelineException(dep.At, $"stage '{stage.Name}' depends on '{dep.DatasetRef}', which cannot be resolved: {e.Message}",
                            "fix the name or version in keel.yaml, or version the data first with 'keel add PATH --name NAME'");
                    }
                    _datasets[dep.DatasetRef] = v;
                }
                if (placed.TryGetValue(v.Path, out var other) && other != v.Ref)
                    throw new PipelineException(dep.At, $"stage '{stage.Name}' depends on {other} and {v.Ref}, which both appear at '{v.Path}' in its working folder", "depend on one version of a dataset per stage");
                placed[v.Path] = v.Ref;
            }
            foreach (var dep in stage.Deps.Where(d => d.DatasetRef is null && placed.ContainsKey(d.Path)))
                throw new PipelineException(dep.At, $"stage '{stage.Name}' depends on '{dep.Path}' and on {placed[dep.Path]}, which the stage sees at that same path", "keep one of the two dependencies");
        }
    }

    /// <summary>Whether a recorded run generated these bytes at this path (its output node carries path and digest).</summary>
    private async Task<bool> GeneratedHereAsync(string path, Digest digest, CancellationToken ct) =>
        (await _ws.Metadata.LineageCatalog.FindByDigestAsync(digest, ct).ConfigureAwait(false))
            .Any(n => n.Type == Keel.Lineage.NodeType.Artifact && n.RunId is not null && n.Label == path);

    /// <summary>
    /// The dataset version behind each dependency: a named one as resolved; for a path, the
    /// version of the dataset tracking that path (or the folder it lies in) whose content the
    /// workspace holds now. Asked only when a stage runs or is restored.
    /// </summary>
    private async Task<Dictionary<DepSpec, DatasetVersion>> DatasetVersionsAsync(StageDefinition stage, IReadOnlyList<(DepSpec Dep, TreeDigest Digest)> inputs, CancellationToken ct)
    {
        var result = new Dictionary<DepSpec, DatasetVersion>();
        foreach (var (dep, digest) in inputs)
        {
            if (dep.DatasetRef is not null)
            {
                result[dep] = _datasets[dep.DatasetRef];
                continue;
            }
            if (ProducerOf(stage, dep) is not null) continue;
            _latestDatasets ??= await _ws.Metadata.Datasets.ListLatestAsync(ct).ConfigureAwait(false);
            if (_latestDatasets.Count == 0) continue;
            // Bytes a run generated at this path (keel monitor's production snapshot, a keel exec
            // output) keep that run as their origin, even when keel add also made a version of them.
            if (await GeneratedHereAsync(dep.Path, digest.Digest, ct).ConfigureAwait(false)) continue;
            foreach (var latest in _latestDatasets)
            {
                Digest want;
                if (latest.Path == dep.Path) want = digest.Digest;
                else if (latest.Kind == TreeKind.Directory && PipelineGraph.IsInside(dep.Path, latest.Path) && Capture(latest.Path, store: false) is { } whole) want = whole.Digest;
                else continue;
                var match = latest.Digest == want ? latest
                    : (await _ws.Metadata.Datasets.HistoryAsync(latest.Name, ct).ConfigureAwait(false)).LastOrDefault(x => x.Digest == want);
                if (match is null) continue;
                result[dep] = match;
                break;
            }
        }
        return result;
    }

    /// <summary>
    /// A dataset version the workspace does not hold at its path is written into the stage's
    /// working folder at that path; the workspace's own copy is left as it is.
    /// </summary>
    private void PlaceDatasetVersions(IReadOnlyList<(DepSpec Dep, TreeDigest Digest)> inputs, StageSandbox sandbox)
    {
        foreach (var (dep, digest) in inputs)
        {
            if (dep.DatasetRef is null || Capture(digest.Path, store: false)?.Digest == digest.Digest) continue;
            _log?.Report($"placing {_datasets[dep.DatasetRef].Ref} at {digest.Path} for this stage (the workspace holds other bytes there)");
            sandbox.PlaceInput(digest.Path, dest => TreeSnapshot.Materialize(_ws, digest.Digest, digest.Kind, dest));
        }
    }

    private Task<List<(DepSpec Dep, TreeDigest Digest)>> CaptureInputsAsync(StageDefinition stage, bool store, CancellationToken ct)
    {
        var inputs = new List<(DepSpec, TreeDigest)>();
        foreach (var dep in stage.Deps)
        {
            if (dep.DatasetRef is not null)
            {
                // Resolved once before any stage ran; placed in the stage's working folder when it runs.
                var v = _datasets[dep.DatasetRef];
                inputs.Add((dep, new TreeDigest(v.Path, v.Digest, v.Kind, v.Files, v.Bytes)));
                continue;
            }
            ct.ThrowIfCancellationRequested();
            var d = Capture(dep.Path, store)
                ?? throw new KeelException($"stage '{stage.Name}': dependency '{dep.Path}' does not exist ({dep.At})");
            inputs.Add((dep, d));
        }
        return Task.FromResult(inputs);
    }

    private async Task<T> WithMetadataAsync<T>(Func<Task<T>> work)
    {
        await _metadataGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            _metadataGate.Release();
        }
    }

    /// <summary>Deps and params files as stored objects: what a worker without the workspace needs to see.</summary>
    private List<StageInput> JobInputs(StageDefinition stage, IReadOnlyList<(DepSpec Dep, TreeDigest Digest)> inputs)
    {
        var list = inputs.Select(i => new StageInput(i.Digest.Path, i.Digest.Digest, i.Digest.Kind)).ToList();
        foreach (var file in stage.Params.Select(p => p.File).Distinct(StringComparer.Ordinal))
        {
            if (list.Any(i => i.Path == file)) continue;
            if (Capture(file, store: true) is { } d) list.Add(new StageInput(file, d.Digest, d.Kind));
        }
        return list;
    }

    private TreeDigest? Capture(string path, bool store) =>
        _digests.GetOrAdd(path + (store ? "\u0001" : ""), _ => TreeSnapshot.Capture(_ws, path, store));

    private string? CheckInputsIntact(IReadOnlyList<(DepSpec Dep, TreeDigest Digest)> inputs, StageSandbox sandbox)
    {
        foreach (var (dep, before) in inputs)
        {
            if (dep.DatasetRef is not null) continue;
            // In the sandbox an input is a symlink: deleting it removes only the link, so the
            // workspace copy survives and only the tree shows what the command did.
            var inTree = sandbox.InTree(dep.Path);
            if (!File.Exists(inTree) && !Directory.Exists(inTree)) return $"deleted its own input '{dep.Path}'";
            var now = TreeSnapshot.Capture(_ws, dep.Path, store: false);
            if (now is null) return $"deleted its own input '{dep.Path}'";
            if (now.Digest != before.Digest) return $"modified its own input '{dep.Path}'";
        }
        return null;
    }

    private bool OutputsIntact(IReadOnlyList<LockedPath> outs) =>
        outs.All(o => TreeSnapshot.Capture(_ws, o.Path, store: false)?.Digest == o.Digest);

    private void Restore(StageDefinition stage, IReadOnlyList<CachedOutput> cached)
    {
        using var sandbox = StageSandbox.Create(_ws.Root, _ws.KeelDir, $"restore-{Guid.CreateVersion7(_ws.Time.GetUtcNow())}", cached.Select(c => c.Path).ToList());
        foreach (var c in cached) TreeSnapshot.Materialize(_ws, c.Digest, c.Kind, sandbox.InTree(c.Path));
        sandbox.Commit();
        foreach (var c in cached)
        {
            _digests.TryRemove(c.Path, out _);
            TreeSnapshot.Capture(_ws, c.Path, store: false);
        }
    }

    private void UpdateLock(StageDefinition stage, Recipe recipe, IReadOnlyList<(DepSpec Dep, TreeDigest Digest)> inputs, IReadOnlyDictionary<DepSpec, DatasetVersion> versions, IReadOnlyList<LockedPath> outs)
    {
        var entry = new LockedStage(stage.Name, stage.Command, recipe.Digest,
            inputs.Select(i => new LockedPath(i.Digest.Path, i.Digest.Digest, i.Digest.Kind, i.Digest.Bytes, i.Digest.Files, Dataset: versions.GetValueOrDefault(i.Dep)?.Ref)).ToList(),
            recipe.Params, outs);
        lock (_lockGate)
        {
            _lock[stage.Name] = entry;
            _lockSource = new SourceFile(LockFile.FileName, LockFile.Write(LockPath, _lock.Values));
        }
    }

    private Digest? StoreLog(string path)
    {
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        var d = ContentHasher.Hash(bytes);
        _ws.Objects.Put(d, bytes);
        return d;
    }

    private FileStream AcquireRunLock()
    {
        var path = Path.Combine(_ws.KeelDir, "run.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new KeelException("another 'keel run' is running in this workspace; wait for it to finish");
        }
    }

    /// <summary>A stage without a declared seed gets one derived from its name: stable, and different per stage.</summary>
    private static int DefaultSeed(string stage) =>
        (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(
            Convert.FromHexString(ContentHasher.Hash(System.Text.Encoding.UTF8.GetBytes(stage)).Hex[..8])) & 0x7FFFFFFF);

    private StageReport Report(StageDefinition stage, StageState state, long started, string? runId = null, Digest? recipe = null, string? log = null, string? message = null, IReadOnlyList<string>? warnings = null) =>
        new(stage.Name, state, _ws.Time.GetElapsedTime(started), runId, recipe?.ToString(), log, message, warnings ?? []);
}
