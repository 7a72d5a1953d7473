using System.CommandLine;
using Keel.Datasets;
using Keel.Objects;

namespace Keel.Cli.Commands.Lineage;

/// <summary>Hidden <c>keel hash PATH</c>: the digest Keel would give a file or (inside a workspace) a folder, for scripts.</summary>
internal static class HashCommand
{
    public static void AddTo(RootCommand root)
    {
        var path = new Argument<string>("path") { Description = "a file, or a folder inside a workspace" };
        var hash = new Command("hash", "print the digest of a file or folder") { path };
        hash.Hidden = true;
        hash.SetAction(parse =>
        {
            var p = Path.GetFullPath(parse.GetValue(path)!, CliContext.Cwd);
            if (File.Exists(p))
            {
                Console.WriteLine(ContentHasher.HashFile(p));
                return 0;
            }
            if (!Directory.Exists(p)) throw new KeelException($"'{parse.GetValue(path)}' does not exist");
            using var ws = CliContext.OpenWorkspace();
            var rel = ws.RelativePath(p, CliContext.Cwd);
            // The same digest `keel add` and a stage output give this folder: a manifest of paths relative to it.
            Console.WriteLine(TreeSnapshot.Capture(ws, rel, store: false)!.Digest);
            return 0;
        });
        root.Subcommands.Add(hash);
    }
}
