using System.CommandLine;
using Keel.Datasets;

namespace Keel.Cli.Commands;

/// <summary><c>keel status [--json]</c></summary>
internal static class StatusCommand
{
    public static void AddTo(RootCommand root)
    {
        var json = CliContext.JsonOption();
        var command = new Command("status", "show each tracked path as unchanged, modified, added or deleted") { json };
        command.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var statuses = await new DatasetStatus(ws).CheckAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new
                {
                    datasets = statuses.Select(s => new
                    {
                        name = s.Version.Name, @ref = s.Version.Ref, path = s.Version.Path, state = s.State,
                        changes = s.Changes.Select(c => new { path = c.Path, state = c.State }),
                    }),
                });
                return 0;
            }
            if (statuses.Count == 0) Console.WriteLine("nothing tracked yet; 'keel add PATH' versions a file or directory");
            foreach (var s in statuses)
            {
                Console.WriteLine($"{Label(s.State),-10} {s.Version.Path} ({s.Version.Ref})");
                foreach (var c in s.Changes.Take(50)) Console.WriteLine($"  {Label(c.State),-10} {c.Path}");
                if (s.Changes.Count > 50) Console.WriteLine($"  ... and {s.Changes.Count - 50} more (--json lists all)");
            }
            return 0;
        });
        root.Subcommands.Add(command);
    }

    private static string Label(ChangeState state) => state.ToString().ToLowerInvariant();
}
