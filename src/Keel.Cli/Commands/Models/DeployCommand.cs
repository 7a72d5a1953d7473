using System.CommandLine;
using Keel.Models.Deployments;

namespace Keel.Cli.Commands.Models;

/// <summary><c>keel deploy REF --alias A [--canary P]</c> and <c>keel rollback NAME --alias A</c></summary>
internal static class DeployCommand
{
    public static void AddTo(RootCommand root)
    {
        var reference = new Argument<string>("ref") { Description = "the model version to deploy: NAME@N" };
        var alias = new Option<string>("--alias") { Description = "the alias to move, e.g. production", Required = true };
        var canary = new Option<double>("--canary") { Description = "send this percent of traffic to the new version and leave the alias where it is" };
        var json = CliContext.JsonOption();
        var deploy = new Command("deploy", "gate a version on its behaviour tests, package it, move the alias and record the deployment") { reference, alias, canary, json };
        deploy.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var result = await Deployer.DeployAsync(ws, parse.GetValue(reference)!, parse.GetValue(alias)!, parse.GetValue(canary), CliContext.Cwd, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new { deployment = ModelJson.Deployment(result.Deployment), gate = ModelJson.Report(result.Report) });
                return 0;
            }
            TestCommand.Print(result.Report);
            var d = result.Deployment;
            Console.WriteLine(d.CanaryPercent > 0
                ? $"canary: {d.CanaryPercent}% of {d.Name}@{d.Alias} traffic goes to {result.Version.Ref} (package {result.Package.Short})"
                : $"{d.Name}@{d.Alias} -> {result.Version.Ref}{(d.PreviousVersion is { } p ? $" (was {d.Name}@{p})" : "")}; package {result.Package.Short}; deployment run:{d.RunId[..12]}");
            return 0;
        });
        root.Subcommands.Add(deploy);

        var name = new Argument<string>("name") { Description = "the model name" };
        var rollbackAlias = new Option<string>("--alias") { Description = "the alias to move back", Required = true };
        var rollbackJson = CliContext.JsonOption();
        var rollback = new Command("rollback", "move an alias back to the version it pointed at before (or end a canary)") { name, rollbackAlias, rollbackJson };
        rollback.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var d = await Deployer.RollbackAsync(ws, parse.GetValue(name)!, parse.GetValue(rollbackAlias)!, ct).ConfigureAwait(false);
            if (parse.GetValue(rollbackJson)) CliContext.WriteJson(new { deployment = ModelJson.Deployment(d) });
            else Console.WriteLine($"{d.Name}@{d.Alias} -> {d.Name}@{d.Version} (was {d.Name}@{d.PreviousVersion}); rollback run:{d.RunId[..12]}");
            return 0;
        });
        root.Subcommands.Add(rollback);
    }
}
