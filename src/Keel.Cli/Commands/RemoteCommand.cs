using System.CommandLine;
using Keel.Datasets;
using Keel.Metadata;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Cli.Commands;

/// <summary><c>keel remote add NAME URI | push [REF] | pull [REF]</c>: share objects with a team store.</summary>
internal static class RemoteCommand
{
    public static void AddTo(RootCommand root)
    {
        var remote = new Command("remote", "share objects with a team object store (S3 or a folder)");

        var name = new Argument<string>("name") { Description = "a short name for the remote, e.g. team" };
        var uri = new Argument<string>("uri") { Description = "s3://bucket/prefix?endpoint=... or file:/path" };
        var add = new Command("add", "remember a remote in .keel/config.yaml") { name, uri };
        add.SetAction(parse =>
        {
            using var ws = CliContext.OpenWorkspace();
            var u = parse.GetValue(uri)!;
            // Open it once so a typo or a missing bucket is caught now, not at the first push.
            var opened = OpenRemote(ws, u);
            _ = opened.List().Take(1).Count();
            (opened as IDisposable)?.Dispose();
            RemoteConfig.Add(Path.Combine(ws.KeelDir, "config.yaml"), parse.GetValue(name)!, u);
            Console.WriteLine($"added remote '{parse.GetValue(name)}' -> {Backends.Redact(u)}");
            return ExitCodes.Ok;
        });
        remote.Subcommands.Add(add);
        remote.Subcommands.Add(Transfer("push", "copy objects the remote lacks to it (all, or what REF needs)", push: true));
        remote.Subcommands.Add(Transfer("pull", "copy objects this workspace lacks from the remote (all it refers to, or what REF needs)", push: false));
        root.Subcommands.Add(remote);
    }

    private static Command Transfer(string verb, string description, bool push)
    {
        var reference = new Argument<string?>("ref") { Description = "a dataset version (raw@3) or a digest; default: everything", Arity = ArgumentArity.ZeroOrOne };
        var remoteName = new Option<string?>("--remote", "-r") { Description = "which remote (default: the only one, or 'origin')" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "objects in flight at once", DefaultValueFactory = _ => 16 };
        var json = CliContext.JsonOption();
        var command = new Command(verb, description) { reference, remoteName, jobs, json };
        command.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var (rname, ruri) = Pick(ws, parse.GetValue(remoteName));
            var remote = OpenRemote(ws, ruri);
            using var closeRemote = remote as IDisposable;
            var (from, to) = push ? (ws.Objects, remote) : (remote, ws.Objects);
            var roots = await RootsAsync(ws, parse.GetValue(reference), push ? ws.Objects : remote, push, ct).ConfigureAwait(false);
            var wanted = ObjectTransfer.Closure(from, roots);
            var total = wanted.Sum(w => from.SizeOf(w.Digest) ?? 0);
            TransferReport report;
            using (var bar = new ProgressBar($"{verb} {rname}", total))
                report = new ObjectTransfer(from, to, Math.Max(1, parse.GetValue(jobs))).Run(wanted, bar, ct);
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new { remote = rname, wanted = report.Wanted, already_there = report.AlreadyThere, copied = report.Copied, bytes_copied = report.BytesCopied });
            }
            else
            {
                Console.WriteLine($"{verb}: {report.Copied} object(s), {CliContext.Size(report.BytesCopied)} copied; {report.AlreadyThere} already there ({rname})");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<List<(Digest, bool)>> RootsAsync(Workspace ws, string? reference, IObjectStore manifestsFrom, bool push, CancellationToken ct)
    {
        if (reference is not null)
        {
            if (Digest.TryParse(reference, out var d))
                return [(d, IsManifest(manifestsFrom, d))];
            var v = await DatasetResolver.ResolveAsync(ws, reference, ct).ConfigureAwait(false);
            return [(v.Digest, v.Kind == TreeKind.Directory)];
        }
        if (push) return ws.Objects.List().Select(d => (d, false)).ToList();
        var refs = await ws.Metadata.References.ListAsync(ct).ConfigureAwait(false);
        return refs.Select(r => (r.Digest, r.IsManifest)).ToList();
    }

    private static bool IsManifest(IObjectStore store, Digest d)
    {
        if ((store.SizeOf(d) ?? long.MaxValue) > 64 << 20) return false;
        using var s = store.OpenRead(d);
        var head = new byte[Manifest.Header.Length + 1];
        return s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && Manifest.LooksLikeManifest(head);
    }

    private static (string Name, string Uri) Pick(Workspace ws, string? name)
    {
        var remotes = ws.Config.Remotes;
        if (name is not null)
            return remotes.TryGetValue(name, out var u) ? (name, u) : throw new KeelException($"no remote named '{name}'; add one with 'keel remote add {name} URI'");
        if (remotes.Count == 1) return (remotes.Keys.First(), remotes.Values.First());
        if (remotes.TryGetValue("origin", out var origin)) return ("origin", origin);
        throw new KeelException(remotes.Count == 0
            ? "no remote configured; add one with 'keel remote add NAME URI'"
            : $"several remotes ({string.Join(", ", remotes.Keys.Order(StringComparer.Ordinal))}); pick one with --remote");
    }

    private static IObjectStore OpenRemote(Workspace ws, string uri) => Backends.OpenObjects(new BackendContext(uri, ws.Root, ws.Time));
}
