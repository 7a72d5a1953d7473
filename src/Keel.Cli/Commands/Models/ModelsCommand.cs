using System.CommandLine;
using System.Globalization;
using Keel.Models.Registration;
using Keel.Registry;

namespace Keel.Cli.Commands.Models;

/// <summary><c>keel models register | list | show | alias</c></summary>
internal static class ModelsCommand
{
    public static void AddTo(RootCommand root)
    {
        var models = new Command("models", "register models and inspect versions and aliases") { Register(), List(), Show(), Alias() };
        root.Subcommands.Add(models);
    }

    private static Command Register()
    {
        var name = new Argument<string>("name") { Description = "the model name; versions are numbered NAME@1, NAME@2, ..." };
        var from = new Option<string?>("--from") { Description = "RUN[:OUTPUT]: a run (run:ID or a stage name) and its model output" };
        var path = new Option<string?>("--path") { Description = "a model file (.zip for ML.NET, .onnx)" };
        var flavor = new Option<string?>("--flavor") { Description = "mlnet or onnx (default: from the file extension)" };
        var train = new Option<string?>("--train") { Description = "the training data (CSV path or dataset ref) to capture the signature from; default: the run's training input" };
        var description = new Option<string?>("--description") { Description = "model card: what the model does" };
        var owner = new Option<string?>("--owner") { Description = "model card: who answers for it (default: you)" };
        var intended = new Option<string?>("--intended-use") { Description = "model card: what it is for and not for" };
        var metrics = new Option<string?>("--metrics") { Description = "model card: a JSON file of metric values" };
        var json = CliContext.JsonOption();
        var command = new Command("register", "register a model version from a run output or a file") { name, from, path, flavor, train, description, owner, intended, metrics, json };
        command.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var v = await ModelRegistrar.RegisterAsync(ws, new RegisterRequest(parse.GetValue(name)!, parse.GetValue(from), parse.GetValue(path), parse.GetValue(flavor),
                parse.GetValue(train), parse.GetValue(description), parse.GetValue(owner), parse.GetValue(intended), parse.GetValue(metrics), CliContext.Cwd), ct).ConfigureAwait(false);
            if (parse.GetValue(json)) CliContext.WriteJson(new { model = ModelJson.Version(v) });
            else Console.WriteLine($"registered {v.Ref} ({v.Flavor}, {v.Signature.Inputs.Count} inputs, {v.Digest.Short}) from {v.Source}");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var json = CliContext.JsonOption();
        var command = new Command("list", "every model with its latest version and current aliases") { json };
        command.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var all = await ws.Metadata.Models.ListLatestAsync(ct).ConfigureAwait(false);
            var rows = new List<(ModelVersion V, List<string> Aliases)>();
            foreach (var v in all) rows.Add((v, await CurrentAliasesAsync(ws, v.Name, ct).ConfigureAwait(false)));
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new { models = rows.Select(r => ModelJson.Version(r.V, r.Aliases)) });
                return 0;
            }
            if (rows.Count == 0) Console.WriteLine("no models yet; 'keel models register NAME --from RUN' registers one");
            foreach (var (v, aliases) in rows)
                Console.WriteLine($"{v.Ref,-20} {v.Flavor,-6} {v.Digest.Short}  {v.CreatedAt:u}  {string.Join(' ', aliases)}");
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var reference = new Argument<string>("ref") { Description = "NAME, NAME@N or NAME@ALIAS" };
        var asOf = new Option<string?>("--as-of") { Description = "resolve the alias as it was at this time (ISO 8601)" };
        var json = CliContext.JsonOption();
        var command = new Command("show", "one version: card, signature, aliases and alias history") { reference, asOf, json };
        command.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var at = parse.GetValue(asOf) is { } t ? ParseTime(t) : (DateTimeOffset?)null;
            var v = await ModelResolver.ResolveAsync(ws, parse.GetValue(reference)!, at, ct).ConfigureAwait(false);
            var history = await ws.Metadata.Models.AliasHistoryAsync(v.Name, ct).ConfigureAwait(false);
            var aliases = await CurrentAliasesAsync(ws, v.Name, ct).ConfigureAwait(false);
            var mine = aliases.Where(a => history.LastOrDefault(h => h.Alias == a)?.Version == v.Version).ToList();
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new
                {
                    model = ModelJson.Version(v, mine),
                    alias_history = history.Select(h => new { alias = h.Alias, version = h.Version, set_at = h.SetAt }),
                });
                return 0;
            }
            Console.WriteLine($"{v.Ref}  ({v.Flavor})\n  digest     {v.Digest}\n  canonical  {v.CanonicalDigest}\n  source     {v.Source}\n  created    {v.CreatedAt:u} by {v.User}@{v.Host}");
            if (mine.Count > 0) Console.WriteLine($"  aliases    {string.Join(", ", mine)}");
            if (v.Card.Description is not null) Console.WriteLine($"  about      {v.Card.Description}");
            if (v.Card.Owner is not null) Console.WriteLine($"  owner      {v.Card.Owner}");
            if (v.Card.IntendedUse is not null) Console.WriteLine($"  use        {v.Card.IntendedUse}");
            foreach (var (k, m) in v.Card.Metrics) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  metric     {k} = {m:0.####}"));
            Console.WriteLine($"  inputs ({v.Signature.TrainingRows} training rows seen):");
            foreach (var f in v.Signature.Inputs)
            {
                var detail = f.Type == FieldType.Number ? string.Create(CultureInfo.InvariantCulture, $"[{f.Min}, {f.Max}]") : f.Categories is { } c ? $"{{{string.Join(", ", c.Take(8))}{(c.Count > 8 ? ", ..." : "")}}}" : "";
                Console.WriteLine($"    {f.Name,-28} {f.Type.ToString().ToLowerInvariant(),-8} {detail}{(f.AllowsMissing ? " (missing allowed)" : "")}");
            }
            Console.WriteLine($"  outputs    {string.Join(", ", v.Signature.Outputs)}");
            foreach (var h in history) Console.WriteLine($"  alias      {h.Alias} -> {h.Name}@{h.Version} at {h.SetAt:u}");
            return 0;
        });
        return command;
    }

    private static Command Alias()
    {
        var reference = new Argument<string>("ref") { Description = "NAME@N: the version the alias will point at" };
        var alias = new Argument<string>("alias") { Description = "e.g. staging; latest and vN are reserved" };
        var json = CliContext.JsonOption();
        var command = new Command("alias", "point an alias at a version (the history is kept)") { reference, alias, json };
        command.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var a = parse.GetValue(alias)!;
            ModelRef.ValidateAlias(a);
            var v = await ModelResolver.ResolveAsync(ws, parse.GetValue(reference)!, null, ct).ConfigureAwait(false);
            var previous = await ws.Metadata.Models.AliasVersionAsync(v.Name, a, null, ct).ConfigureAwait(false);
            var at = ws.Time.GetUtcNow();
            await ws.Metadata.Models.SetAliasAsync(v.Name, a, v.Version, at, ct).ConfigureAwait(false);
            if (parse.GetValue(json)) CliContext.WriteJson(new { name = v.Name, alias = a, version = v.Version, previous_version = previous, set_at = at });
            else Console.WriteLine($"{v.Name}@{a} -> {v.Ref}{(previous is { } p ? $" (was {v.Name}@{p})" : "")}");
            return 0;
        });
        return command;
    }

    internal static async Task<List<string>> CurrentAliasesAsync(Workspaces.Workspace ws, string name, CancellationToken ct)
    {
        var history = await ws.Metadata.Models.AliasHistoryAsync(name, ct).ConfigureAwait(false);
        return history.Select(h => h.Alias).Distinct().OrderBy(a => a, StringComparer.Ordinal).ToList();
    }

    internal static DateTimeOffset ParseTime(string text)
    {
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day)) return day.AddDays(1).AddTicks(-1);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw new KeelException($"'{text}' is not a time; write 2026-03-01 or 2026-03-01T12:00:00Z");
    }
}
