namespace Keel.Objects;

/// <summary>
/// One writer announcement per store, shared by the scopes that need it. A write outside any
/// scope pins the announcement until the store is disposed: a command holds it from its first
/// object until after it has committed and closed the workspace. While this process itself
/// excludes writers (it is gc), writes announce nothing.
/// </summary>
internal sealed class WriterScopes(Action announce, Action withdraw)
{
    private readonly Lock _gate = new();
    private volatile bool _held;
    private volatile bool _excluding;
    private int _scopes;
    private bool _pinned;

    /// <summary>Called before every write or existence check: one flag read once announced.</summary>
    public void EnsureAnnounced()
    {
        if (_held || _excluding) return;
        lock (_gate)
        {
            if (_scopes == 0) _pinned = true;
            if (_held) return;
            announce();
            _held = true;
        }
    }

    public IDisposable Begin()
    {
        lock (_gate)
        {
            _scopes++;
            if (!_held && !_excluding)
            {
                try
                {
                    announce();
                }
                catch
                {
                    _scopes--;
                    throw;
                }
                _held = true;
            }
        }
        return new Scope(this);
    }

    /// <summary>Marks this process as the excluder for the handle's life: its own reads and writes need no announcement.</summary>
    public IDisposable Excluding()
    {
        _excluding = true;
        return new Excluder(this);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!_held) return;
            _held = false;
            withdraw();
        }
    }

    private void End()
    {
        lock (_gate)
        {
            if (--_scopes > 0 || _pinned || !_held) return;
            _held = false;
            withdraw();
        }
    }

    private sealed class Scope(WriterScopes owner) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) owner.End();
        }
    }

    private sealed class Excluder(WriterScopes owner) : IDisposable
    {
        public void Dispose() => owner._excluding = false;
    }
}
