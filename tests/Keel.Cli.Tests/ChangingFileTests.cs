namespace Keel.Cli.Tests;

/// <summary>
/// A large file truncated and regrown by another writer while <c>keel add</c> hashes it: the
/// add either records a consistent version or refuses with one line; it never dies on a
/// vanished page of a memory map, and the store stays whole.
/// </summary>
public sealed class ChangingFileTests
{
    [Theory]
    [InlineData("copy")]
    [InlineData("hardlink")]
    public async Task Add_FileTruncatedAndRegrownThroughout_RecordsOrRefusesNeverCrashes(string link)
    {
        using var ws = TempWorkspace.Init();
        const int size = 96 << 20;
        ws.WriteBytes("big.bin", AddStatusCheckoutTests.RandomBytes(size, 31));
        var path = ws.PathOf("big.bin");

        // Each step opens the file anew (as a user's tool would), so a read lease keel holds
        // makes it wait instead of pulling pages from under the hash.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var length in new long[] { size / 3, size })
                {
                    try
                    {
                        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                        stream.SetLength(length);
                    }
                    catch (UnauthorizedAccessException)
                    {
                        // Hard-linked into the store and made read-only: the file is settled.
                        return;
                    }
                }
            }
        });
        var add = ws.Keel("add", "big.bin", "--link", link);
        await stop.CancelAsync();
        await writer;

        Assert.True(add.ExitCode is 0 or 2, add.ToString());
        Assert.DoesNotContain("Fatal error", add.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", add.Stderr, StringComparison.Ordinal);
        if (add.ExitCode == 2) Assert.Contains("kept changing while it was being hashed", add.Stderr, StringComparison.Ordinal);
        var fsck = ws.Keel("fsck");
        Assert.True(fsck.ExitCode == 0, fsck.ToString());
    }
}
