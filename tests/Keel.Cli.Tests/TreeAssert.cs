namespace Keel.Cli.Tests;

internal static class TreeAssert
{
    /// <summary>Both directories hold the same relative paths with byte-identical contents.</summary>
    public static void Equal(string expectedDir, string actualDir)
    {
        var expected = Files(expectedDir);
        var actual = Files(actualDir);
        Assert.Equal(expected, actual);
        foreach (var rel in expected)
            Assert.True(
                File.ReadAllBytes(Path.Combine(expectedDir, rel)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actualDir, rel))),
                $"{rel} differs");
    }

    /// <summary>A snapshot of every file's bytes, to compare after the directory is gone.</summary>
    public static Dictionary<string, byte[]> Snapshot(string dir) =>
        Files(dir).ToDictionary(rel => rel, rel => File.ReadAllBytes(Path.Combine(dir, rel)));

    public static void Matches(Dictionary<string, byte[]> snapshot, string dir)
    {
        Assert.Equal(snapshot.Keys.Order(StringComparer.Ordinal), Files(dir));
        foreach (var (rel, bytes) in snapshot)
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, rel))), $"{rel} differs");
    }

    private static List<string> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f))
            .Order(StringComparer.Ordinal)
            .ToList();
}
