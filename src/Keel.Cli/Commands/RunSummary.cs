using Keel.Pipelines;

namespace Keel.Cli.Commands;

/// <summary>One line per stage of <c>keel run</c>'s summary, shared by the full path and the no-op shortcut.</summary>
internal static class RunSummary
{
    public static string Line(string stage, StageState state, TimeSpan duration, string detail) =>
        $"{stage,-24} {Label(state),-9} {duration.TotalSeconds,7:0.00}s  {detail}";

    private static string Label(StageState state) => state switch
    {
        StageState.NotRun => "not run",
        StageState.WouldRun => "would run",
        _ => state.ToString().ToLowerInvariant(),
    };
}
