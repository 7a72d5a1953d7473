using System.Text.Json;
using Keel.Examples.Shared;

namespace Keel.Examples.Penguins.Preparation;

/// <summary>
/// <c>prepare</c>: penguins.json to train.csv and holdout.csv. Rows with no measurement at all
/// are dropped; a missing or "." sex becomes "unknown". The split is stratified by species:
/// within each species, rows are ordered by a hash of (seed, id) and the first share is held out.
/// </summary>
internal static class PrepareCommand
{
    public static int Run(ArgReader args)
    {
        var input = args.Required("in");
        var outDir = args.Required("out");
        var parameters = ParamsFile.Load(args.Required("params"));
        args.EnsureAllRead();
        var fraction = parameters.Double("split.holdout_fraction", 0.25);
        if (fraction is <= 0 or >= 1)
        {
            throw new UsageException($"split.holdout_fraction must be in (0, 1), got {fraction}");
        }

        if (!File.Exists(input))
        {
            throw new UsageException($"input file not found: {input}");
        }

        var seed = SeedSource.FromEnvironment();
        var rows = Read(input);
        var holdout = rows
            .GroupBy(r => r[^1], StringComparer.Ordinal)
            .SelectMany(g => g.OrderBy(r => Xoshiro256.HashUnit(seed, long.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)))
                .ThenBy(r => r[0], StringComparer.Ordinal)
                .Take((int)Math.Round(g.Count() * fraction)))
            .Select(r => r[0])
            .ToHashSet(StringComparer.Ordinal);

        CsvTable.Write(Path.Combine(outDir, "train.csv"), PenguinSchema.Columns, rows.Where(r => !holdout.Contains(r[0])));
        CsvTable.Write(Path.Combine(outDir, "holdout.csv"), PenguinSchema.Columns, rows.Where(r => holdout.Contains(r[0])));
        Console.Error.WriteLine($"prepare: {rows.Count - holdout.Count} train, {holdout.Count} holdout rows (seed {seed})");
        return 0;
    }

    private static List<string[]> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new DataCheckException($"{path}: expected a JSON array of penguin records");
        }

        var rows = new List<string[]>();
        var id = 0;
        foreach (var record in document.RootElement.EnumerateArray())
        {
            id++;
            var numbers = PenguinSchema.JsonNumeric.Select(f => Number(record, f)).ToArray();
            if (numbers.All(n => n is null))
            {
                continue;
            }

            if (numbers.Any(n => n is null))
            {
                throw new DataCheckException($"{path}: record {id} has some measurements missing; only all-or-nothing is handled");
            }

            var species = Text(record, "Species") ?? throw new DataCheckException($"{path}: record {id} has no Species");
            var sex = Text(record, "Sex") is "MALE" or "FEMALE" ? Text(record, "Sex")!.ToLowerInvariant() : "unknown";
            rows.Add(
            [
                CsvTable.Format(id),
                .. numbers.Select(n => CsvTable.Format(n!.Value)),
                Text(record, "Island") ?? "unknown",
                sex,
                species,
            ]);
        }

        return rows;
    }

    private static double? Number(JsonElement record, string field) =>
        record.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static string? Text(JsonElement record, string field) =>
        record.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
