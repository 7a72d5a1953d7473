using System.Diagnostics;
using System.Globalization;
using System.Text;
using Amazon.S3.Model;
using Keel.Objects;

namespace Keel.S3;

/// <summary>
/// Writers and gc on a bucket, which has no locks: markers under <c>prefix/locks/</c>. A writer
/// puts <c>intent-ID</c> before its first object or existence check, then lists the markers and
/// waits while a live <c>gc-ID</c> is there; it deletes its intent after its commit. gc puts
/// <c>gc-ID</c>, then lists, and backs off while a live intent is there. S3 lists what was put
/// before the listing started, so of a writer and a gc that overlap at least one sees the
/// other's marker. Markers are refreshed every <see cref="Heartbeat"/>; one not refreshed for
/// <see cref="MarkerExpiry"/> belongs to a killed process and is ignored.
/// </summary>
internal sealed partial class S3ObjectStore : IWriterExclusion
{
    internal static readonly TimeSpan MarkerExpiry = TimeSpan.FromMinutes(10);
    internal static readonly TimeSpan Heartbeat = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private WriterScopes? _writersField;
    private string? _intentKey;
    private Timer? _intentHeartbeat;

    private WriterScopes Writers => LazyInitializer.EnsureInitialized(ref _writersField, () => new WriterScopes(Announce, Withdraw));

    private string LockKey(string name) => _location.Key($"locks/{name}");

    public IDisposable BeginWrites() => Writers.Begin();

    public IDisposable ExcludeWriters(TimeSpan wait, CancellationToken cancellationToken)
    {
        Writers.Dispose();
        var key = LockKey($"gc-{NewId()}");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            PutMarker(key);
            var live = LiveMarkers(key, "intent-");
            if (live.Count == 0) break;
            DeleteKey(key);
            if (clock.Elapsed >= wait)
                throw new KeelException(
                    $"the object store {_location.Safe} has {live.Count} writer(s) at work ({Describe(live[0])}); gc waited {wait.TotalSeconds:0.#}s. " +
                    $"Run gc again when they finish; the intent of a killed writer ({live[0]}) expires {MarkerExpiry.TotalMinutes:0} minutes after its last heartbeat");
            cancellationToken.WaitHandle.WaitOne(Poll);
            cancellationToken.ThrowIfCancellationRequested();
        }
        var heartbeat = new Timer(_ => Refresh(key), null, Heartbeat, Heartbeat);
        var excluding = Writers.Excluding();
        return new GcMarker(this, key, heartbeat, excluding);
    }

    private void Announce()
    {
        var key = LockKey($"intent-{NewId()}");
        PutMarker(key);
        try
        {
            while (LiveMarkers(key, "gc-").Count > 0) Thread.Sleep(Poll);
        }
        catch
        {
            DeleteKey(key);
            throw;
        }
        _intentKey = key;
        _intentHeartbeat = new Timer(_ => Refresh(key), null, Heartbeat, Heartbeat);
    }

    private void Withdraw()
    {
        _intentHeartbeat?.Dispose();
        _intentHeartbeat = null;
        if (_intentKey is { } key) TryDelete(key);
        _intentKey = null;
    }

    /// <summary>The markers named <paramref name="prefix"/>… refreshed within the expiry, by the bucket's clock (the time it gave our own <paramref name="ownKey"/>).</summary>
    private List<string> LiveMarkers(string ownKey, string prefix)
    {
        var folder = _location.Key("locks/");
        var all = new List<(string Key, DateTime At)>();
        string? token = null;
        do
        {
            var page = Call(() => _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _location.Bucket, Prefix = folder, ContinuationToken = token }));
            foreach (var o in page.S3Objects ?? []) all.Add((o.Key, o.LastModified ?? DateTime.MinValue));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        var now = all.Where(m => m.Key == ownKey).Select(m => m.At).DefaultIfEmpty(_time.GetUtcNow().UtcDateTime).First();
        return all
            .Where(m => m.Key != ownKey && m.Key[folder.Length..].StartsWith(prefix, StringComparison.Ordinal) && now - m.At < MarkerExpiry)
            .Select(m => m.Key)
            .ToList();
    }

    private void PutMarker(string key)
    {
        var args = Environment.GetCommandLineArgs();
        var command = string.Join(' ', args.Take(3).Select((a, i) => i == 0 ? Path.GetFileName(a) : a));
        var body = $"{command} (pid {Environment.ProcessId} on {Environment.MachineName}, since {_time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)})";
        Call(() => _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _location.Bucket,
            Key = key,
            ContentBody = body,
            UseChunkEncoding = false,
        }));
    }

    private void Refresh(string key)
    {
        try
        {
            PutMarker(key);
        }
        catch (KeelException)
        {
            // The next heartbeat tries again; a marker expires only after several missed ones.
        }
    }

    private string Describe(string key)
    {
        try
        {
            using var response = Call(() => _client.GetObjectAsync(new GetObjectRequest { BucketName = _location.Bucket, Key = key }));
            using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (KeelException)
        {
            return key;
        }
    }

    private void DeleteKey(string key) =>
        Call(() => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _location.Bucket, Key = key }));

    private void TryDelete(string key)
    {
        try
        {
            DeleteKey(key);
        }
        catch (KeelException)
        {
            // Left to expire.
        }
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private sealed class GcMarker(S3ObjectStore store, string key, Timer heartbeat, IDisposable excluding) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0) return;
            heartbeat.Dispose();
            store.TryDelete(key);
            excluding.Dispose();
        }
    }
}
