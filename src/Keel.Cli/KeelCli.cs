using System.CommandLine;
using Keel.Cli.Commands;
using Keel.Cli.Commands.Lineage;
using Keel.Cli.Commands.Reproduction;
using Keel.Cli.Commands.Models;

namespace Keel.Cli;

/// <summary>Builds the command tree and maps failures to one line and an exit code.</summary>
internal static class KeelCli
{
    /// <summary>
    /// Every top-level command, with the names its registration adds. Building all of them
    /// (options, arguments, actions) took 12-16 ms of every command's start-up, so a command line
    /// that starts with a known name builds just that one; help, typos and anything else get the
    /// whole tree. A test checks the names against what each registration adds.
    /// </summary>
    internal static readonly (string[] Names, Action<RootCommand> AddTo)[] Registrations =
    [
        (["init"], InitCommand.AddTo),
        (["add"], AddCommand.AddTo),
        (["status"], StatusCommand.AddTo),
        (["checkout"], CheckoutCommand.AddTo),
        (["datasets", "log"], DatasetsCommand.AddTo),
        (["fsck"], FsckCommand.AddTo),
        (["gc"], GcCommand.AddTo),
        (["run", "dag"], RunCommand.AddTo),
        (["quickstart"], QuickstartCommand.AddTo),
        (["lineage"], LineageCommand.AddTo),
        (["impact"], ImpactCommand.AddTo),
        (["diff"], DiffCommand.AddTo),
        (["path"], PathCommand.AddTo),
        (["verify-lineage"], VerifyLineageCommand.AddTo),
        (["recover"], RecoverCommand.AddTo),
        (["hash"], HashCommand.AddTo),
        (["replay"], ReplayCommand.AddTo),
        (["exec"], ExecCommand.AddTo),
        (["log-metric"], LogMetricCommand.AddTo),
        (["runs"], RunsCommand.AddTo),
        (["metrics"], MetricsCommand.AddTo),
        (["monitor"], MonitorCommand.AddTo),
        (["reproduce"], ReproduceCommand.AddTo),
        (["verify"], VerifyCommand.AddTo),
        (["keys", "attest"], KeysCommand.AddTo),
        (["bundle"], BundleCommand.AddTo),
        (["models"], ModelsCommand.AddTo),
        (["test"], TestCommand.AddTo),
        (["deploy", "rollback"], DeployCommand.AddTo),
        (["serve"], ServeCommand.AddTo),
        (["remote"], RemoteCommand.AddTo),
        (["worker"], WorkerCommand.AddTo),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        Diagnostics.Trace("main");
        var root = BuildTree(args is [var first, ..] ? first : null);
        var parsed = root.Parse(args);
        Diagnostics.Trace("parsed");
        if (parsed.Errors.Count > 0 && !IsHelp(args))
        {
            await Console.Error.WriteLineAsync($"keel: {parsed.Errors[0].Message} (see 'keel {string.Join(' ', CommandPath(parsed))} --help')").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
        try
        {
            return await parsed.InvokeAsync(config).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return CliContext.Report(e, args.Contains("--verbose"));
        }
    }

    /// <summary>The root with only <paramref name="command"/>'s registration when it names one, else with all of them.</summary>
    internal static RootCommand BuildTree(string? command)
    {
        var root = new RootCommand("Keel: reproducible, accountable, collaborative and continuous machine learning.")
        {
            Options = { CliContext.Verbose },
        };
        var only = Array.FindIndex(Registrations, r => r.Names.Contains(command));
        if (only >= 0)
        {
            Registrations[only].AddTo(root);
            return root;
        }
        foreach (var (_, addTo) in Registrations) addTo(root);
        return root;
    }

    private static bool IsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    private static IEnumerable<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var r = parsed.CommandResult; r is not null && r.Parent is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        return names;
    }
}
