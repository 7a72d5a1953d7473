using Keel.Models;
using Keel.Models.Deployments;
using Keel.Models.Registration;
using Keel.Registry;
using Keel.Workspaces;
using Microsoft.Extensions.Logging;

namespace Keel.Server.Hosting;

/// <summary>
/// The models being served, by route name. Loaded at start (a model that cannot load stops the
/// start); re-resolved on every poll, swapping in a new version only once it has loaded, so a
/// broken new version leaves the old one serving.
/// </summary>
internal sealed partial class ModelHost(Workspace workspace, MetadataGate gate, ServingMetrics metrics, ILogger<ModelHost> logger)
{
    private readonly Dictionary<string, ModelSlot> _slots = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ModelSlot> Slots => _slots.Values;

    public string? DefaultModel { get; private set; }

    public bool TryGet(string name, out ModelSlot slot) => _slots.TryGetValue(name, out slot!);

    public async Task StartAsync(IEnumerable<string> references, CancellationToken cancellationToken)
    {
        var refs = references.ToList();
        if (refs.Count == 0)
        {
            var all = await gate.RunAsync(() => workspace.Metadata.Models.ListLatestAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var m in all)
                if (await gate.RunAsync(() => workspace.Metadata.Models.AliasVersionAsync(m.Name, "production", null, cancellationToken), cancellationToken).ConfigureAwait(false) is not null)
                    refs.Add($"{m.Name}@production");
            if (refs.Count == 0) throw new KeelException("no model to serve: no model has a production alias; pass --models NAME@N or deploy one with 'keel deploy NAME@N --alias production'");
        }
        foreach (var text in refs)
        {
            var r = ModelRef.Parse(text);
            if (_slots.ContainsKey(r.Name)) throw new KeelException($"--models names {r.Name} twice; serve one reference per model");
            var state = await ResolveAsync(r, null, cancellationToken).ConfigureAwait(false);
            _slots[r.Name] = new ModelSlot(r.Name, r, state);
            DefaultModel ??= r.Name;
            metrics.Loaded(r.Name, state.Stable.Version.Version);
        }
    }

    /// <summary>Re-resolves every slot; swaps when its versions changed. Never throws for a model that fails to load: it reports and keeps serving.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        foreach (var slot in _slots.Values)
        {
            var current = slot.State;
            try
            {
                var (stable, canary, percent) = await TargetAsync(slot.Reference, cancellationToken).ConfigureAwait(false);
                if (stable == current.Stable.Version.Version && canary == current.Canary?.Version.Version && percent == current.CanaryPercent) continue;
                var next = await ResolveAsync(slot.Reference, current, cancellationToken).ConfigureAwait(false);
                slot.Swap(next);
                metrics.Swapped(slot.Name, next.Stable.Version.Version);
                LogSwap(logger, slot.Name, current.Stable.Version.Version, next.Stable.Version.Version, next.Canary?.Version.Version, next.CanaryPercent);
                Retire(current, next);
            }
            catch (Exception e) when (e is KeelException or IOException)
            {
                metrics.SwapFailed(slot.Name);
                LogSwapFailed(logger, slot.Name, current.Stable.Version.Version, e.Message);
            }
        }
    }

    private async Task<(int Stable, int? Canary, double Percent)> TargetAsync(ModelRef r, CancellationToken cancellationToken) =>
        await gate.RunAsync(async () =>
        {
            var registry = workspace.Metadata.Models;
            int stable;
            if (r.Alias is { } alias)
                stable = await registry.AliasVersionAsync(r.Name, alias, null, cancellationToken).ConfigureAwait(false)
                    ?? throw new KeelException($"{r} is not set; deploy a version with 'keel deploy {r.Name}@N --alias {alias}'");
            else
                stable = r.Version ?? (await registry.GetAsync(r.Name, null, cancellationToken).ConfigureAwait(false))?.Version
                    ?? throw new KeelException($"no model named '{r.Name}' is registered");
            if (r.Alias is null) return (stable, (int?)null, 0.0);
            var last = (await registry.DeploymentsAsync(r.Name, cancellationToken).ConfigureAwait(false)).LastOrDefault(d => d.Alias == r.Alias);
            return last is { CanaryPercent: > 0 } && last.Version != stable ? (stable, last.Version, last.CanaryPercent) : (stable, null, 0.0);
        }, cancellationToken).ConfigureAwait(false);

    private async Task<SlotState> ResolveAsync(ModelRef r, SlotState? current, CancellationToken cancellationToken)
    {
        var (stable, canary, percent) = await TargetAsync(r, cancellationToken).ConfigureAwait(false);
        var s = current?.Stable.Version.Version == stable ? current.Stable : current?.Canary?.Version.Version == stable ? current.Canary : await LoadAsync(r.Name, stable, cancellationToken).ConfigureAwait(false);
        ServedModel? c = null;
        if (canary is { } cv) c = current?.Canary?.Version.Version == cv ? current.Canary : await LoadAsync(r.Name, cv, cancellationToken).ConfigureAwait(false);
        return new SlotState(s, c, percent);
    }

    private async Task<ServedModel> LoadAsync(string name, int version, CancellationToken cancellationToken)
    {
        var (v, deployment) = await gate.RunAsync(async () =>
        {
            var found = await ModelResolver.ResolveAsync(workspace, $"{name}@{version}", null, cancellationToken).ConfigureAwait(false);
            var deployments = await workspace.Metadata.Models.DeploymentsAsync(name, cancellationToken).ConfigureAwait(false);
            return (found, deployments.LastOrDefault(d => d.Version == version && d.Action == "deploy"));
        }, cancellationToken).ConfigureAwait(false);
        // The package's reference profile (built at deploy) is what requests are validated against; without one, the signature.
        var reference = deployment?.Package is { } package ? ServingPackage.Read(workspace, package).Profile : null;
        var model = ModelFlavors.LoadVersion(workspace, v);
        return new ServedModel(v, model, deployment?.NodeId, reference);
    }

    /// <summary>Disposes versions no longer served after a grace period, so requests that picked them finish first.</summary>
    private void Retire(SlotState old, SlotState next)
    {
        var keep = new HashSet<ServedModel?> { next.Stable, next.Canary };
        var retired = new[] { old.Stable, old.Canary }.Where(m => m is not null && !keep.Contains(m)).ToList();
        if (retired.Count == 0) return;
        _ = Task.Delay(TimeSpan.FromSeconds(30), workspace.Time).ContinueWith(_ => { foreach (var m in retired) m!.Model.Dispose(); }, TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "model {Name}: swapped version {From} for {To} (canary {Canary} at {Percent}%)")]
    private static partial void LogSwap(ILogger logger, string name, int from, int to, int? canary, double percent);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "model {Name}: could not load the new version, still serving version {Current}: {Reason}")]
    private static partial void LogSwapFailed(ILogger logger, string name, int current, string reason);
}
