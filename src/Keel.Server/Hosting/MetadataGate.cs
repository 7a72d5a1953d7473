namespace Keel.Server.Hosting;

/// <summary>The metadata store holds one connection; every server thread that touches it goes through here.</summary>
internal sealed class MetadataGate
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }
}
