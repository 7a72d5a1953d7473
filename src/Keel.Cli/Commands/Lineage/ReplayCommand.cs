using System.CommandLine;
using System.Globalization;
using Keel.Objects;
using Keel.Pipelines;
using Keel.Reproduction;

namespace Keel.Cli.Commands.Lineage;

/// <summary>
/// Hidden <c>keel replay restore|check</c>, which recover's replay.sh calls in a checkout without a
/// workspace: restore puts a raw input back from the recovered objects, check compares a
/// replayed output with the recorded one exactly as <c>keel reproduce</c> does.
/// </summary>
internal static class ReplayCommand
{
    public static void AddTo(RootCommand root)
    {
        var replay = new Command("replay", "the steps of a recovered replay.sh") { Hidden = true };
        replay.Subcommands.Add(Restore());
        replay.Subcommands.Add(Check());
        root.Subcommands.Add(replay);
    }

    private static Option<string> ObjectsOption() => new("--objects") { Description = "the recovered objects folder (DIR/objects)", Required = true };

    private static Command Restore()
    {
        var objects = ObjectsOption();
        var path = new Argument<string>("path");
        var digest = new Argument<string>("digest");
        var restore = new Command("restore", "put a raw input back when it is missing or differs") { objects, path, digest };
        restore.SetAction(parse =>
        {
            var rel = parse.GetValue(path)!;
            var wanted = ParseDigest(parse.GetValue(digest)!);
            var full = Path.GetFullPath(rel, CliContext.Cwd);
            var store = new FolderObjects(Path.GetFullPath(parse.GetValue(objects)!, CliContext.Cwd));
            if (TreeFiles.Hash(full) is { } h && h.Digest == wanted) return ExitCodes.Ok;
            if (!store.Contains(wanted))
            {
                Console.WriteLine(File.Exists(full) || Directory.Exists(full)
                    ? $"DIFFERENT    raw input {rel}: it is not the recorded {wanted} and the recovered objects lack it; recover with --materialize"
                    : $"MISSING      raw input {rel} ({wanted}): not here and not in the recovered objects; recover with --materialize");
                return ExitCodes.CheckFailed;
            }
            TreeFiles.Materialize(store, wanted, full);
            Console.WriteLine($"restored     {rel} {wanted}");
            return ExitCodes.Ok;
        });
        return restore;
    }

    private static Command Check()
    {
        var objects = ObjectsOption();
        var stage = new Option<string>("--stage") { Required = true };
        var method = new Option<string>("--method") { Description = "exact, model, predictions, metrics, or none (reported, not counted)", Required = true };
        var abs = new Option<double?>("--abs");
        var rel = new Option<double?>("--rel");
        var metric = new Option<string[]>("--metric") { Description = "KEY=ABS, a per-metric tolerance", AllowMultipleArgumentsPerToken = false };
        var probe = new Option<string?>("--probe");
        var score = new Option<string?>("--score");
        var path = new Argument<string>("path");
        var digest = new Argument<string>("digest");
        var check = new Command("check", "compare a replayed output with the recorded one") { objects, stage, method, abs, rel, metric, probe, score, path, digest };
        check.SetAction(parse =>
        {
            var rel0 = parse.GetValue(path)!;
            var full = Path.GetFullPath(rel0, CliContext.Cwd);
            var recordedText = parse.GetValue(digest)!;
            Digest? recorded = recordedText == "none" ? null : ParseDigest(recordedText);
            var how = parse.GetValue(method)!;
            Dictionary<string, double>? per = null;
            foreach (var m in parse.GetValue(metric) ?? [])
            {
                var eq = m.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || !double.TryParse(m[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new KeelException($"--metric '{m}' is not KEY=ABS; write e.g. --metric auc=0.002");
                (per ??= [])[m[..eq]] = v;
            }
            var rule = how == "none" ? null
                : new CompareRule(rel0, how, parse.GetValue(abs), parse.GetValue(rel), parse.GetValue(probe), per, new SourceSpan("replay.sh", 0, 0), parse.GetValue(score));
            var scratch = Directory.CreateTempSubdirectory("keel-replay-check-").FullName;
            try
            {
                var store = new FolderObjects(Path.GetFullPath(parse.GetValue(objects)!, CliContext.Cwd));
                var artifact = new RecordedArtifact(0, rel0, "data", rel0, recorded, false, null);
                var result = new OutputComparer(store, scratch).Compare(parse.GetValue(stage)!, artifact, rule, false, TreeFiles.Hash(full)?.Digest, full, CliContext.Cwd);
                Console.WriteLine($"{Reproduction.ReproduceCommand.Mark(result.Status),-12} {rel0} [{(result.Tolerance == result.Method ? result.Method : $"{result.Method}, {result.Tolerance}")}]: {result.Detail}");
                return result.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed;
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        });
        return check;
    }

    private static Digest ParseDigest(string text) =>
        Digest.TryParse(text, out var d) ? d : throw new KeelException($"'{text}' is not a digest (blake3:<64 hex>); the replay script is damaged, recover it again");
}
