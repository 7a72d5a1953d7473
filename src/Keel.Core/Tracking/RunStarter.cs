using Keel.Tracking.Capture;
using Keel.Workspaces;

namespace Keel.Tracking;

/// <summary>Opens a run after capturing, without being asked, the code, the environment and the seed.</summary>
internal static class RunStarter
{
    public static async Task<Run> StartAsync(Workspace workspace, RunStartOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Name)) throw new KeelException("a run needs a name");
        // git waits on child processes while the environment capture is CPU work: overlap them.
        var envTask = Task.Run(() => EnvironmentCapture.Store(workspace.Objects, options.DepsJson), cancellationToken);
        var git = GitCapture.Capture(options.CodeDirectory, workspace.Objects);
        var env = await envTask.ConfigureAwait(false);
        var seed = SeedSource.Resolve(options.Seed, options.Name, git);
        var now = workspace.Time.GetUtcNow();
        var run = new NewRun(
            RunId.New(workspace.Time), options.Name, options.Experiment, options.Kind, now, Agent.User, Agent.Host,
            options.Pid, ProcessIdentity.StartTime(options.Pid), options.Command, seed, git, env);
        return await workspace.Metadata.Runs.CreateAsync(run, cancellationToken).ConfigureAwait(false);
    }
}
