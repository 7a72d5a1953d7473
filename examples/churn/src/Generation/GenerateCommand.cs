using Keel.Examples.Shared;

namespace Keel.Examples.Churn.Generation;

/// <summary><c>generate</c>: writes a synthetic customer table, byte-identical for identical arguments.</summary>
internal static class GenerateCommand
{
    public static int Run(ArgReader args)
    {
        var rows = args.RequiredInt64("rows");
        var seed = args.RequiredInt64("seed");
        var output = args.Required("out");
        var drift = args.Double("drift", 0.0);
        var startId = args.Int64("start-id", 1);
        args.EnsureAllRead();
        if (rows is < 1 or > 50_000_000)
        {
            throw new UsageException("--rows must be between 1 and 50000000");
        }

        if (drift is < 0 or > 1)
        {
            throw new UsageException("--drift must be between 0 and 1");
        }

        var generator = new CustomerGenerator(seed, drift);

        // Missing cells come from their own stream, so the feature values do not depend on them.
        var holes = new Xoshiro256(seed ^ 0x5EED_0F_4015L);
        var lines = Enumerable.Range(0, checked((int)rows))
            .Select(i => ToCells(generator.Next(startId + i), holes));
        CsvTable.Write(output, CustomerSchema.Columns, lines);
        Console.Error.WriteLine($"generate: wrote {rows} rows to {output} (seed {seed}, drift {drift})");
        return 0;
    }

    private static string[] ToCells(Customer c, Xoshiro256 holes) =>
    [
        CsvTable.Format(c.Id),
        CsvTable.Format(c.TenureMonths),
        CsvTable.Format(c.MonthlyCharges, 2),
        Hole(holes, 0.02) ? "" : CsvTable.Format(c.TotalCharges, 2),
        Hole(holes, 0.01) ? "" : CsvTable.Format(c.SupportCalls),
        Hole(holes, 0.03) ? "" : CsvTable.Format(c.Age),
        Hole(holes, 0.025) ? "" : CsvTable.Format(c.DataUsageGb, 2),
        CsvTable.Format(c.PaperlessBilling),
        c.Contract,
        Hole(holes, 0.015) ? "" : c.PaymentMethod,
        c.Region,
        c.InternetService,
        CsvTable.Format(c.Churned),
    ];

    private static bool Hole(Xoshiro256 holes, double rate) => holes.Chance(rate);
}
