using System.Diagnostics;
using Xunit.Abstractions;

namespace Keel.Cli.Tests.Soak;

/// <summary>
/// CI's short run of <c>scripts/soak</c> (docs/reliability.md): per scenario up to 10 trials of a
/// random kill -9, bounded to 20 s of trials so two busy cores cannot stretch CI, with a 256 MiB
/// big file instead of 2 GiB. Capture is checked against what /metrics said was logged before the
/// kill (no timing assumption), with 2 s of slack on the 20 ms beat. No trial may fail or lose
/// anything. The full run is <c>scripts/soak</c> with no options.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class SoakScriptTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("add-big")]
    [InlineData("add-small")]
    [InlineData("run")]
    [InlineData("exec")]
    [InlineData("bundle-import")]
    [InlineData("serve")]
    [InlineData("add-gc")]
    public async Task Soak_KilledAtRandomMoments_NothingLostEveryCheckPasses(string scenario)
    {
        var dir = Path.Combine(KeelProcess.RepoRoot, "artifacts", "soak-ci");
        var info = new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                Path.Combine(KeelProcess.RepoRoot, "scripts", "soak"), "--only", scenario, "--trials", "10", "--max-seconds", "20",
                "--seed", "1616", "--big-mib", "256", "--capture-slack-ms", "2000", "--orphan-grace-ms", "10000", "--dir", dir,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10)))
        {
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        var stderr = await stderrTask;
        var stdout = await stdoutTask;
        output.WriteLine(stderr);
        output.WriteLine(stdout);
        var row = stdout.Split('\n').FirstOrDefault(l => l.StartsWith(scenario + " ", StringComparison.Ordinal));
        Assert.True(row is not null, $"the soak printed no row for {scenario}:\n{stderr}\n{stdout}");
        var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // scenario, trials, kills landed, failures, lost, seconds
        Assert.True(int.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture) >= 1, row);
        Assert.True(cells[3] == "0" && cells[4] == "0", $"{row}\n{stdout}");
        Assert.Equal(0, process.ExitCode);
    }
}
