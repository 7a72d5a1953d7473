namespace Keel.Tracking;

/// <summary>The lower-case names the CLI, the JSON output and the database use for statuses.</summary>
internal static class RunStatusNames
{
    public static string Name(RunStatus s) => s switch
    {
        RunStatus.Running => "running",
        RunStatus.Finished => "finished",
        RunStatus.Failed => "failed",
        _ => "killed",
    };

    public static RunStatus Parse(string s) => s switch
    {
        "running" => RunStatus.Running,
        "finished" => RunStatus.Finished,
        "failed" => RunStatus.Failed,
        "killed" => RunStatus.Killed,
        _ => throw new KeelException($"unknown run status '{s}': expected running, finished, failed or killed"),
    };
}
