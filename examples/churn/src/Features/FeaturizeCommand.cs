using System.Globalization;
using Keel.Examples.Shared;

namespace Keel.Examples.Churn.Features;

/// <summary>
/// <c>featurize</c>: splits by a hash of (seed, customer_id), imputes from the training split,
/// adds engineered columns and writes train.csv, holdout.csv and imputation.json.
/// A row's side of the split depends only on its id and the seed, never on row order.
/// With <c>--production DIR</c>, every CSV in DIR holds rows already in the featurized schema (a
/// snapshot of served predictions with their feedback labels, written by <c>keel monitor</c>); they
/// are split the same way (by id, or by file and line when the model never saw the id) and appended,
/// so a retrained model learns from production and is tested on it too.
/// </summary>
internal static class FeaturizeCommand
{
    public static int Run(ArgReader args)
    {
        var input = args.Required("in");
        var outDir = args.Required("out");
        var production = args.Optional("production");
        var parameters = ParamsFile.Load(args.Required("params"));
        args.EnsureAllRead();
        var fraction = parameters.Double("split.holdout_fraction", 0.2);
        if (fraction is <= 0 or >= 1)
        {
            throw new UsageException($"split.holdout_fraction must be in (0, 1), got {fraction}");
        }

        var seed = SeedSource.FromEnvironment();
        var table = CsvTable.Read(input);
        var idColumn = table.Column(CustomerSchema.Id);
        var holdout = table.Rows.Select(r => Xoshiro256.HashUnit(seed, ParseId(r[idColumn])) < fraction).ToList();
        var imputer = new Imputer(table, table.Rows.Where((_, i) => !holdout[i]));

        var features = table.Rows.Select(r => Engineer(table, r, imputer)).ToList();
        List<(string[] Row, long Key)> fromProduction = production is null ? [] : ProductionRows(production);
        foreach (var (row, key) in fromProduction)
        {
            features.Add(row);
            holdout.Add(Xoshiro256.HashUnit(seed, key) < fraction);
        }
        CsvTable.Write(Path.Combine(outDir, "train.csv"), FeatureSchema.Columns, features.Where((_, i) => !holdout[i]));
        CsvTable.Write(Path.Combine(outDir, "holdout.csv"), FeatureSchema.Columns, features.Where((_, i) => holdout[i]));
        JsonFile.Write(Path.Combine(outDir, "imputation.json"), w =>
        {
            w.WriteStartObject();
            foreach (var column in CustomerSchema.Numeric.Concat(CustomerSchema.Categorical))
            {
                w.WriteString(column, imputer.FillValues[column]);
            }

            w.WriteEndObject();
        });
        var holdoutCount = holdout.Count(h => h);
        Console.Error.WriteLine($"featurize: {features.Count - holdoutCount} train, {holdoutCount} holdout rows ({fromProduction.Count} from production; seed {seed})");
        return 0;
    }

    // Production rows, file by file in name order; a row's split key is its id, or (file, line) when it has none.
    private static List<(string[] Row, long Key)> ProductionRows(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"--production {directory} is not a directory");
        }

        var rows = new List<(string[], long)>();
        var files = Directory.GetFiles(directory, "*.csv").Order(StringComparer.Ordinal).ToList();
        for (var f = 0; f < files.Count; f++)
        {
            var table = CsvTable.Read(files[f]);
            if (!table.Header.SequenceEqual(FeatureSchema.Columns))
            {
                throw new DataCheckException($"{files[f]}: header is not the featurize output; expected {string.Join(',', FeatureSchema.Columns)}");
            }

            for (var i = 0; i < table.Rows.Count; i++)
            {
                var row = table.Rows[i];
                var key = long.TryParse(row[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : -(((f + 1L) << 32) + i);
                // A served model never sees the id, so captured rows have none: the (negative) split key stands in for it.
                rows.Add(([key.ToString(CultureInfo.InvariantCulture), .. row[1..]], key));
            }
        }

        return rows;
    }

    private static long ParseId(string cell) =>
        long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new DataCheckException($"{CustomerSchema.Id} '{cell}' is not an integer; run validate first");

    private static string[] Engineer(CsvTable table, string[] raw, Imputer imputer)
    {
        double Num(string column) => CsvTable.Number(imputer.Fill(column, raw[table.Column(column)])) ?? 0;

        var tenure = Math.Max(Num("tenure_months"), 1);
        var perMonth = Num("total_charges") / tenure;
        var missing = CustomerSchema.Numeric.Concat(CustomerSchema.Categorical).Count(c => raw[table.Column(c)].Length == 0);
        return
        [
            raw[table.Column(CustomerSchema.Id)],
            .. CustomerSchema.Numeric.Select(c => CsvTable.Format(Num(c))),
            CsvTable.Format(perMonth, 4),
            CsvTable.Format(Num("monthly_charges") / Math.Max(perMonth, 1), 4),
            CsvTable.Format(Num("support_calls") * 12 / tenure, 4),
            CsvTable.Format(missing),
            .. CustomerSchema.Categorical.Select(c => imputer.Fill(c, raw[table.Column(c)])),
            raw[table.Column(CustomerSchema.Label)],
        ];
    }
}
