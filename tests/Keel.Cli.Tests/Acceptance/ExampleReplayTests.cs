using Keel.Cli.Tests.Pipelines;
using Keel.Cli.Tests.Reproduction;

namespace Keel.Cli.Tests.Acceptance;

/// <summary>recover's replay.sh on the churn example (a C# trainer with a dotnet build stage), in a fresh clone (issue 17, failure 2).</summary>
[Collection(QuickstartCollection.Name)]
public sealed class ExampleReplayTests(QuickstartFixture fixture) : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("keel-replay-qs-").FullName;

    [Fact]
    public async Task Replay_QuickstartModelInACleanClone_ReplaysEveryStepAndLeavesTheBuildUnchecked()
    {
        PipelineCli.Check(fixture.Result);
        var cli = new ReproCli(Path.Combine(_temp, "home"));
        var recovered = Path.Combine(_temp, "recovered");
        PipelineCli.Check(cli.Run(fixture.Cli.Root, "recover", "models/churn.zip", "-o", recovered, "--materialize", "--verify"));
        var clone = Path.Combine(_temp, "clone");
        ReproCli.Sh(_temp, $"git clone -q '{fixture.Cli.Root}' '{clone}'");

        var psi = new System.Diagnostics.ProcessStartInfo("/bin/bash") { WorkingDirectory = clone, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(recovered, "replay.sh"));
        psi.Environment["KEEL"] = PipelineCli.Binary;
        psi.Environment["KEEL_REPLAY_LOGS"] = Path.Combine(_temp, "logs");
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();

        Assert.True(p.ExitCode == 0, stdout + await stderr);
        // The build's bytes differ from machine to machine; reproduce does not count them, and neither does the replay.
        Assert.Matches(@"unchecked +build/churn \[none\]", stdout);
        Assert.Contains("PASS         models/churn.zip [model]", stdout);
        Assert.DoesNotContain(".log [", stdout);
        Assert.Contains("REPLAYED", stdout);
    }

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(_temp, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
