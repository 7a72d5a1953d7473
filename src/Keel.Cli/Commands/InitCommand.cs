using System.CommandLine;
using Keel.Workspaces;

namespace Keel.Cli.Commands;

/// <summary><c>keel init [DIR]</c></summary>
internal static class InitCommand
{
    public static void AddTo(RootCommand root)
    {
        var dir = new Argument<string>("dir") { Description = "folder to make a workspace (default: the current one)", DefaultValueFactory = _ => "." };
        var json = CliContext.JsonOption();
        var command = new Command("init", "create a Keel workspace (.keel/ with config, object store and database)") { dir, json };
        command.SetAction(parse =>
        {
            var target = Path.GetFullPath(Path.Combine(CliContext.Cwd, parse.GetValue(dir)!));
            using var ws = Workspace.Init(target, CliContext.Time);
            var inGit = Directory.Exists(Path.Combine(target, ".git"));
            if (parse.GetValue(json))
                CliContext.WriteJson(new { root = ws.Root, config = Path.Combine(ws.KeelDir, "config.yaml"), git = inGit });
            else
                Console.WriteLine($"Initialised a Keel workspace in {ws.KeelDir}{(inGit ? " (inside a git repository: commit .keel/config.yaml and .keel/.gitignore)" : "")}");
            return 0;
        });
        root.Subcommands.Add(command);
    }
}
