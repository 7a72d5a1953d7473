using System.CommandLine;
using Keel.Cli.Commands;
using Keel.Cli.Commands.Lineage;
using Keel.Cli.Commands.Reproduction;
using Keel.Cli.Commands.Models;

namespace Keel.Cli;

/// <summary>Builds the command tree and maps failures to one line and an exit code.</summary>
internal static class KeelCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        Diagnostics.Trace("main");
        var root = new RootCommand("Keel: reproducible, accountable, collaborative and continuous machine learning.")
        {
            Options = { CliContext.Verbose },
        };
        InitCommand.AddTo(root);
        AddCommand.AddTo(root);
        StatusCommand.AddTo(root);
        CheckoutCommand.AddTo(root);
        DatasetsCommand.AddTo(root);
        FsckCommand.AddTo(root);
        GcCommand.AddTo(root);
        RunCommand.AddTo(root);
        QuickstartCommand.AddTo(root);
        LineageCommand.AddTo(root);
        ImpactCommand.AddTo(root);
        DiffCommand.AddTo(root);
        PathCommand.AddTo(root);
        VerifyLineageCommand.AddTo(root);
        RecoverCommand.AddTo(root);
        HashCommand.AddTo(root);
        ExecCommand.AddTo(root);
        LogMetricCommand.AddTo(root);
        RunsCommand.AddTo(root);
        MetricsCommand.AddTo(root);
        MonitorCommand.AddTo(root);
        ReproductionCommands.AddTo(root);
        ModelsCommand.AddTo(root);
        TestCommand.AddTo(root);
        DeployCommand.AddTo(root);
        ServeCommand.AddTo(root);
        RemoteCommand.AddTo(root);
        WorkerCommand.AddTo(root);

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

    private static bool IsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    private static IEnumerable<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var r = parsed.CommandResult; r is not null && r.Parent is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        return names;
    }
}
