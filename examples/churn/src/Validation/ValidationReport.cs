namespace Keel.Examples.Churn.Validation;

/// <summary>What validate found: counts per column, plus violations that fail the stage.</summary>
internal sealed class ValidationReport
{
    public int Rows { get; set; }

    public int Churned { get; set; }

    public SortedDictionary<string, int> Missing { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, SortedDictionary<string, int>> UnknownCategories { get; } = new(StringComparer.Ordinal);

    public List<string> Violations { get; } = [];

    public int ViolationCount { get; set; }

    public void AddViolation(string message)
    {
        ViolationCount++;
        if (Violations.Count < 20)
        {
            Violations.Add(message);
        }
    }

    public void AddUnknown(string column, string value)
    {
        if (!UnknownCategories.TryGetValue(column, out var counts))
        {
            counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            UnknownCategories[column] = counts;
        }

        counts[value] = counts.GetValueOrDefault(value) + 1;
    }
}
