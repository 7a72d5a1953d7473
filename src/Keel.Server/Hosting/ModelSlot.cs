using Keel.Registry;

namespace Keel.Server.Hosting;

/// <summary>
/// A route (<c>/v1/models/{name}</c>) and the reference it follows. Its state is one immutable
/// record swapped atomically, so a request in flight keeps the version it started with.
/// </summary>
internal sealed class ModelSlot(string name, ModelRef reference, SlotState initial)
{
    private SlotState _state = initial;
    private long _counter;

    public string Name { get; } = name;

    public ModelRef Reference { get; } = reference;

    public SlotState State => Volatile.Read(ref _state);

    public void Swap(SlotState next) => Volatile.Write(ref _state, next);

    /// <summary>The version this request goes to: every request counted, the canary's share of each hundred to the canary.</summary>
    public ServedModel Pick()
    {
        var s = State;
        if (s.Canary is null) return s.Stable;
        var n = Interlocked.Increment(ref _counter) % 100;
        return n < s.CanaryPercent ? s.Canary : s.Stable;
    }
}
