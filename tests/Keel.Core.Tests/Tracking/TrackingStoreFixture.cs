using Keel.Metadata.Sqlite;
using Keel.Objects;
using Keel.Tracking;

namespace Keel.Core.Tests.Tracking;

/// <summary>A fresh SQLite metadata store in a temp folder, and a helper to open runs in it.</summary>
internal sealed class TrackingStoreFixture : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "keel-tracking-" + Guid.NewGuid().ToString("N"));

    public TrackingStoreFixture()
    {
        Directory.CreateDirectory(_dir);
        Store = new SqliteMetadataStore(Path.Combine(_dir, "keel.db"));
    }

    public SqliteMetadataStore Store { get; }

    public TimeProvider Time { get; } = TimeProvider.System;

    public async Task<Run> NewRunAsync(string name = "train", string? experiment = null)
    {
        var git = new GitState("abc123", "main", null, false, null, 0, []);
        var run = new NewRun(RunId.New(Time), name, experiment, "sdk", Time.GetUtcNow(), "tester", "host", 1, null, null, 7, git, null);
        return await Store.Runs.CreateAsync(run, CancellationToken.None);
    }

    public static MetricPoint Point(string key, double value, long step = 0) => new(key, value, step, DateTimeOffset.UnixEpoch.AddSeconds(step));

    public static Digest SomeDigest(string text) => ContentHasher.Hash(System.Text.Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
