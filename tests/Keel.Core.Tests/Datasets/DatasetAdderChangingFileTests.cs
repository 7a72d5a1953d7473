using Keel.Datasets;
using Keel.Objects;
using Keel.Testing;
using Keel.Workspaces;

namespace Keel.Core.Tests.Datasets;

/// <summary>
/// A large file rewritten in place the whole time <c>keel add</c> reads it: each link mode
/// detects the change (size, mtime, inode), retries, then refuses; nothing is recorded and no
/// object or temp file is left behind.
/// </summary>
public sealed class DatasetAdderChangingFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData(LinkMode.Copy)]
    [InlineData(LinkMode.Hardlink)]
    public async Task Add_FileRewrittenThroughout_RefusedNothingRecordedNothingLeft(LinkMode link)
    {
        using var ws = Workspace.Init(_dir.Path, TimeProvider.System);
        var file = _dir.File("big.bin");
        var bytes = new byte[24 << 20];
        new Random(3).NextBytes(bytes);
        await File.WriteAllBytesAsync(file, bytes);

        // A writer flips a byte somewhere every few hundred microseconds until the add ends.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            var random = new Random(4);
            while (!stop.IsCancellationRequested)
            {
                stream.Position = random.Next(bytes.Length);
                stream.WriteByte((byte)random.Next(256));
                stream.Flush();
                Thread.Sleep(0);
            }
        });

        var adder = new DatasetAdder(ws) { Link = link };
        var e = await Assert.ThrowsAsync<KeelException>(() => adder.AddAsync("big.bin", _dir.Path, null, null, CancellationToken.None));
        await stop.CancelAsync();
        await writer;

        Assert.Contains("kept changing while it was being hashed", e.Message, StringComparison.Ordinal);
        Assert.Null(await ws.Metadata.Datasets.GetAsync("big", null, CancellationToken.None));
        var store = Assert.IsType<LocalObjectStore>(ws.Objects);
        Assert.Empty(store.List());
        Assert.Empty(store.TempFiles());
    }

    public void Dispose() => _dir.Dispose();
}
