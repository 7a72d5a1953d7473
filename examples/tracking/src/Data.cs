using System.Globalization;

namespace Keel.Examples.Tracking;

/// <summary>Tiny churn-like data: generated from the run's seed, or read from a dataset CSV (tenure,spend,tickets,label).</summary>
internal static class Data
{
    public static List<Row> Generate(int seed, int count)
    {
        var random = new Random(seed);
        var rows = new List<Row>(count);
        for (var i = 0; i < count; i++)
        {
            var tenure = (float)(random.NextDouble() * 60);
            var spend = (float)(20 + (random.NextDouble() * 100));
            var tickets = (float)random.Next(0, 8);
            var risk = (-0.06 * tenure) + (0.02 * spend) + (0.5 * tickets) - 1.5 + ((random.NextDouble() - 0.5) * 2);
            rows.Add(new Row { Tenure = tenure, Spend = spend, Tickets = tickets, Label = risk > 0 });
        }
        return rows;
    }

    public static List<Row> ReadCsv(string path) =>
        File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).Select(f => new Row
        {
            Tenure = float.Parse(f[0], CultureInfo.InvariantCulture),
            Spend = float.Parse(f[1], CultureInfo.InvariantCulture),
            Tickets = float.Parse(f[2], CultureInfo.InvariantCulture),
            Label = f[3].Trim() is "1" or "true",
        }).ToList();

    public static void WriteCsv(string path, IEnumerable<Row> rows) =>
        File.WriteAllLines(path, rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Tenure},{r.Spend},{r.Tickets},{(r.Label ? 1 : 0)}")).Prepend("tenure,spend,tickets,label"));
}
