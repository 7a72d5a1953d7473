using Keel.Datasets;
using Keel.Objects;
using Keel.Testing;
using Keel.Workspaces;

namespace Keel.Core.Tests.Datasets;

/// <summary>
/// A large file rewritten in place while <c>keel add</c> reads it. Each attempt compares the
/// file's stat (size, mtime, inode) before and after; a changed attempt is retried, then the add
/// is refused with nothing recorded and no object or temp file left. On two busy cores the
/// writer can miss a whole attempt, which then records the bytes it read: that is correct, and
/// the test accepts it when the stored object hashes to the recorded digest (copy mode; in
/// hardlink mode the writer's open descriptor keeps writing into the stored inode, the
/// documented trade-off of that mode, so only the refusal is checked there).
/// </summary>
public sealed class DatasetAdderChangingFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData(LinkMode.Copy)]
    [InlineData(LinkMode.Hardlink)]
    public async Task Add_FileRewrittenThroughout_RefusedWithNothingLeftOrRecordedWhole(LinkMode link)
    {
        using var ws = Workspace.Init(_dir.Path, TimeProvider.System);
        var file = _dir.File("big.bin");
        var bytes = new byte[24 << 20];
        new Random(3).NextBytes(bytes);
        await File.WriteAllBytesAsync(file, bytes);

        // A writer flips a byte somewhere, as fast as it can, until the add ends.
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
            }
        });

        var adder = new DatasetAdder(ws) { Link = link };
        KeelException? refused = null;
        AddResult? added = null;
        try
        {
            added = await adder.AddAsync("big.bin", _dir.Path, null, null, CancellationToken.None);
        }
        catch (KeelException e)
        {
            refused = e;
        }
        await stop.CancelAsync();
        await writer;

        var store = Assert.IsType<LocalObjectStore>(ws.Objects);
        Assert.Empty(store.TempFiles());
        if (refused is not null)
        {
            Assert.Contains("kept changing while it was being hashed", refused.Message, StringComparison.Ordinal);
            Assert.Null(await ws.Metadata.Datasets.GetAsync("big", null, CancellationToken.None));
            Assert.Empty(store.List());
        }
        else if (link == LinkMode.Copy)
        {
            var digest = added!.Version.Digest;
            Assert.Equal(digest, ContentHasher.HashFile(store.PathOf(digest)));
        }
    }

    public void Dispose() => _dir.Dispose();
}
