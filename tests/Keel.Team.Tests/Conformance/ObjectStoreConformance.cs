using Keel.Objects;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Conformance;

/// <summary>The object store contract, run against the local store and S3. <see cref="OpenStore"/> opens another client of the same store.</summary>
public abstract class ObjectStoreConformance : IDisposable
{
    protected TempDir Dir { get; } = new();

    protected abstract IObjectStore OpenStore(string clientName);

    private static (Digest, byte[]) Bytes(string text)
    {
        var b = System.Text.Encoding.UTF8.GetBytes(text);
        return (ContentHasher.Hash(b), b);
    }

    [ServiceFact]
    public void Put_ThenReadBack_SameBytesAndSize()
    {
        var store = OpenStore("a");
        var (d, b) = Bytes("hello team");

        Assert.False(store.Contains(d));
        Assert.Null(store.SizeOf(d));
        Assert.True(store.Put(d, b));
        Assert.False(store.Put(d, b));

        Assert.True(store.Contains(d));
        Assert.Equal(b.Length, store.SizeOf(d));
        using var s = store.OpenRead(d);
        using var m = new MemoryStream();
        s.CopyTo(m);
        Assert.Equal(b, m.ToArray());
        Assert.NotNull(store.StoredAt(d));
    }

    [ServiceFact]
    public void PutFile_LargerThanOnePart_RoundTripsByDigest()
    {
        var store = OpenStore("a");
        var source = Dir.File("big.bin");
        var data = new byte[(40 << 20) + 12345];
        new Random(7).NextBytes(data);
        File.WriteAllBytes(source, data);
        var d = ContentHasher.HashFile(source);

        Assert.True(store.PutFile(d, source));
        Assert.False(store.PutFile(d, source));

        var dest = Dir.File("out/copy.bin");
        Directory.CreateDirectory(Dir.File("out"));
        OpenStore("b").CopyTo(d, dest);
        Assert.Equal(d, ContentHasher.HashFile(dest));
        Assert.Equal(data.Length, store.SizeOf(d));
    }

    [ServiceFact]
    public void CopyTo_WritesAnEditableCopyNotALink()
    {
        var store = OpenStore("a");
        var (d, b) = Bytes("copy me");
        store.Put(d, b);
        var dest = Dir.File("copy.txt");

        store.CopyTo(d, dest);
        File.AppendAllText(dest, " edited");

        Assert.Equal(b, ReadAll(store, d));
    }

    [ServiceFact]
    public void ListAndDelete_SeeExactlyWhatIsStored()
    {
        var store = OpenStore("a");
        var items = Enumerable.Range(0, 5).Select(i => Bytes("item " + i)).ToList();
        foreach (var (d, b) in items) store.Put(d, b);

        Assert.Equal(items.Select(i => i.Item1).Order(), store.List().Order());
        Assert.True(store.Delete(items[0].Item1));
        Assert.False(store.Delete(items[0].Item1));
        Assert.False(OpenStore("b").Contains(items[0].Item1));
        Assert.Null(store.StoredAt(items[0].Item1));
        Assert.Equal(4, store.List().Count());
    }

    [ServiceFact]
    public void OpenRead_Missing_ThrowsObjectMissing()
    {
        var (d, _) = Bytes("never stored");
        Assert.Throws<ObjectMissingException>(() => OpenStore("a").OpenRead(d).Dispose());
    }

    [ServiceFact]
    public async Task Put_SameObjectsFromTwoClientsAtOnce_BothSucceedAndBytesIntact()
    {
        var items = Enumerable.Range(0, 12).Select(i => Bytes("shared " + i + new string('x', i * 100))).ToList();
        var clients = new[] { OpenStore("a"), OpenStore("b") };
        await Task.WhenAll(clients.Select(c => Task.Run(() => Parallel.ForEach(items, i => c.Put(i.Item1, i.Item2)))));

        var reader = OpenStore("c");
        foreach (var (d, b) in items) Assert.Equal(b, ReadAll(reader, d));
    }

    [ServiceFact]
    public void NamedBlobs_ReplaceAndDelete()
    {
        var named = Assert.IsAssignableFrom<INamedObjects>(OpenStore("a"));
        Assert.Null(named.GetNamed("jobs/x.json"));
        named.PutNamed("jobs/x.json", "one"u8);
        named.PutNamed("jobs/x.json", "two"u8);
        Assert.Equal("two"u8.ToArray(), ((INamedObjects)OpenStore("b")).GetNamed("jobs/x.json"));
        Assert.True(named.DeleteNamed("jobs/x.json"));
        Assert.False(named.DeleteNamed("jobs/x.json"));
    }

    protected static byte[] ReadAll(IObjectStore store, Digest d)
    {
        using var s = store.OpenRead(d);
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
