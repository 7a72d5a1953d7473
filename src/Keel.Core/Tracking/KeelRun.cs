using System.Globalization;
using Keel.Datasets;
using Keel.Tracking.Capture;
using Keel.Workspaces;

namespace Keel.Tracking;

/// <summary>
/// The tracking SDK: one run of a program. Started alone, it owns the run (captures code,
/// environment and seed, heartbeats, finishes it on dispose); started under <c>keel exec</c>
/// it attaches to the run Keel created (KEEL_RUN_ID) and the owner finishes it.
/// Metrics are buffered and written in batches; params are checked and written at once.
/// Methods are thread-safe.
/// </summary>
public sealed class KeelRun : IAsyncDisposable
{
    private readonly Workspace _workspace;
    private readonly KeelRunOptions _options;
    private readonly Lock _gate = new();
    private readonly List<MetricPoint> _buffer = [];
    private readonly HashSet<string> _validKeys = new(StringComparer.Ordinal);
    private readonly ITimer? _heartbeat;
    private DateTimeOffset _lastFlush;
    private bool _failed;
    private string? _failReason;
    private bool _disposed;

    private KeelRun(Workspace workspace, Run run, bool attached, KeelRunOptions options)
    {
        _workspace = workspace;
        _options = options;
        Run = run;
        IsAttached = attached;
        _lastFlush = options.Time.GetUtcNow();
        if (!attached)
            _heartbeat = options.Time.CreateTimer(_ => Heartbeat(), null, RunReaper.HeartbeatInterval, RunReaper.HeartbeatInterval);
    }

    /// <summary>The run as it was when started or attached.</summary>
    public Run Run { get; }

    public RunId Id => Run.Id;

    /// <summary>The seed the code should use (also in KEEL_SEED under keel exec).</summary>
    public long Seed => Run.Seed;

    /// <summary>The seed as an int, for APIs such as <c>new MLContext(seed)</c>.</summary>
    public int Seed32 => unchecked((int)(Run.Seed & 0x7fff_ffff));

    /// <summary>True when this process attached to a run created by keel exec.</summary>
    public bool IsAttached { get; }

    /// <summary>The workspace root.</summary>
    public string WorkspaceRoot => _workspace.Root;

    /// <summary>Starts a run named <paramref name="name"/>, or attaches to the one in KEEL_RUN_ID.</summary>
    public static async Task<KeelRun> StartAsync(string name, KeelRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        options ??= new KeelRunOptions();
        options.Validate();
        var root = options.Workspace ?? Environment.GetEnvironmentVariable(KeelRunEnvironment.Workspace);
        var workspace = root is { Length: > 0 } ? Workspace.Open(Path.GetFullPath(root), options.Time) : Workspace.Find(Directory.GetCurrentDirectory(), options.Time);
        try
        {
            var attachTo = Environment.GetEnvironmentVariable(KeelRunEnvironment.RunId);
            if (attachTo is { Length: > 0 })
            {
                var id = RunId.Parse(attachTo);
                var existing = await workspace.Metadata.Runs.GetAsync(id, cancellationToken).ConfigureAwait(false)
                    ?? throw new KeelException($"{KeelRunEnvironment.RunId}={attachTo} names no run in {workspace.Root}");
                if (!existing.IsRunning) throw new KeelException($"{KeelRunEnvironment.RunId}={attachTo} names a run that is {RunStatusNames.Name(existing.Status)}");
                return new KeelRun(workspace, existing, attached: true, options);
            }
            var pid = Environment.ProcessId;
            var run = await RunStarter.StartAsync(workspace, new RunStartOptions(
                name, options.Experiment ?? Environment.GetEnvironmentVariable(KeelRunEnvironment.Experiment), "sdk",
                Environment.CommandLine, Directory.GetCurrentDirectory(), options.Seed, EnvironmentCapture.EntryDepsJson(), pid), cancellationToken).ConfigureAwait(false);
            return new KeelRun(workspace, run, attached: false, options);
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    /// <summary>Records a param; the same value again is fine, another value is an error naming both.</summary>
    public void LogParam(string key, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        TrackingKeys.Validate("param", key);
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        TrackingKeys.ValidateParamValue(key, text);
        Write(RunBatch.Empty with { Params = [new(key, text)] });
    }

    /// <summary>Records one metric value at a step (buffered; NaN and infinities are kept as they are).</summary>
    public void LogMetric(string key, double value, long step = 0)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            if (!_validKeys.Contains(key))
            {
                TrackingKeys.Validate("metric", key);
                _validKeys.Add(key);
            }
            var now = _options.Time.GetUtcNow();
            _buffer.Add(new MetricPoint(key, value, step, now));
            if (_buffer.Count >= _options.BatchSize || now - _lastFlush >= _options.FlushInterval) FlushLocked();
        }
    }

    /// <summary>Records several metrics at the same step.</summary>
    public void LogMetrics(IEnumerable<KeyValuePair<string, double>> values, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (key, value) in values) LogMetric(key, value, step);
    }

    /// <summary>Sets a tag (tags may change).</summary>
    public void SetTag(string key, string value)
    {
        TrackingKeys.Validate("tag", key);
        ArgumentNullException.ThrowIfNull(value);
        Write(RunBatch.Empty with { Tags = [new(key, value)] });
    }

    /// <summary>Materialises a dataset version in the workspace cache, records it as an input, and returns its local path.</summary>
    public async Task<string> UseDatasetAsync(string reference, string role = "input", CancellationToken cancellationToken = default)
    {
        TrackingKeys.Validate("role", role);
        var version = await DatasetResolver.ResolveAsync(_workspace, reference, cancellationToken).ConfigureAwait(false);
        var cache = Path.Combine(_workspace.KeelDir, "cache", "datasets", version.Digest.Hex);
        var done = cache + ".done";
        string path;
        if (File.Exists(done))
        {
            path = await File.ReadAllTextAsync(done, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Directory.CreateDirectory(cache);
            var result = await new DatasetCheckout(_workspace).CheckoutAsync(version.Ref, cache, _workspace.Root, force: true, cancellationToken).ConfigureAwait(false);
            path = result.Target;
            await File.WriteAllTextAsync(done, path, cancellationToken).ConfigureAwait(false);
        }
        Write(RunBatch.Empty with { Inputs = [new RunInput(version.Ref, version.Digest, version.Kind == Metadata.TreeKind.Directory, role)] });
        return path;
    }

    /// <summary>Blocking form of <see cref="UseDatasetAsync"/>.</summary>
    public string UseDataset(string reference, string role = "input") => UseDatasetAsync(reference, role).GetAwaiter().GetResult();

    /// <summary>Stores a file or directory as an object and records it as an output of this kind (data, model, metrics, plots, report, log).</summary>
    public void LogArtifact(string path, string kind = "data", string? name = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        TrackingKeys.Validate("artifact kind", kind);
        var (digest, isManifest, bytes) = ArtifactStorer.Store(_workspace.Objects, path);
        var full = Path.GetFullPath(path);
        var label = name ?? (full.StartsWith(_workspace.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? Path.GetRelativePath(_workspace.Root, full).Replace(Path.DirectorySeparatorChar, '/')
            : Path.GetFileName(full));
        Write(RunBatch.Empty with { Outputs = [new RunOutput(label, kind, digest, isManifest, bytes)] });
    }

    /// <summary>Marks the run failed; it is recorded when the run is disposed (or by keel exec when attached).</summary>
    public void MarkFailed(string? reason = null)
    {
        lock (_gate)
        {
            _failed = true;
            _failReason = reason;
        }
        if (IsAttached) SetTag(KeelRunEnvironment.FailedTag, reason ?? "true");
    }

    /// <summary>Writes buffered metrics now.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate) FlushLocked();
        return Task.CompletedTask;
    }

    /// <summary>Flushes; when this process owns the run, finishes it (failed after <see cref="MarkFailed"/>) with its resource use.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed) return;
            FlushLocked();
            _disposed = true;
        }
        if (_heartbeat is not null) await _heartbeat.DisposeAsync().ConfigureAwait(false);
        try
        {
            if (!IsAttached)
            {
                using var self = System.Diagnostics.Process.GetCurrentProcess();
                var end = _options.Time.GetUtcNow();
                var resources = new RunResources(self.TotalProcessorTime.TotalSeconds, self.PeakWorkingSet64, (end - Run.StartedAt).TotalSeconds);
                var status = _failed ? RunStatus.Failed : RunStatus.Finished;
                await _workspace.Metadata.Runs.FinishAsync(Id, new RunCompletion(status, end, null, resources, _failReason), CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _workspace.Dispose();
        }
    }

    private void Write(RunBatch batch)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            FlushLocked();
            _workspace.Metadata.Runs.LogAsync(Id, batch, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    private void FlushLocked()
    {
        _lastFlush = _options.Time.GetUtcNow();
        if (_buffer.Count == 0) return;
        // The embedded store completes synchronously; one transaction per batch.
        _workspace.Metadata.Runs.LogAsync(Id, RunBatch.OfMetrics([.. _buffer]), CancellationToken.None).GetAwaiter().GetResult();
        _buffer.Clear();
    }

    private void Heartbeat()
    {
        lock (_gate)
        {
            if (_disposed) return;
            try
            {
                _workspace.Metadata.Runs.HeartbeatAsync(Id, _options.Time.GetUtcNow(), CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is KeelException or Microsoft.Data.Sqlite.SqliteException)
            {
                // A missed heartbeat is retried at the next tick; it must never crash the program.
            }
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
