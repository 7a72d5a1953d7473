namespace Keel.Monitoring.Profiles;

/// <summary>One named column of a tabular batch: numbers (NaN = missing) or text (null or empty = missing).</summary>
public sealed class DataColumn
{
    private DataColumn(string name, double[]? numbers, string?[]? texts)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Numbers = numbers;
        Texts = texts;
    }

    /// <summary>Column name, as in the reference profile.</summary>
    public string Name { get; }

    /// <summary>Values when the column is numeric; NaN marks a missing value.</summary>
    public double[]? Numbers { get; }

    /// <summary>Values when the column is text; null or empty marks a missing value.</summary>
    public string?[]? Texts { get; }

    /// <summary>Number of rows.</summary>
    public int Length => Numbers?.Length ?? Texts!.Length;

    /// <summary>A numeric column.</summary>
    public static DataColumn OfNumbers(string name, double[] values) => new(name, values ?? throw new ArgumentNullException(nameof(values)), null);

    /// <summary>A text column (categorical, or numbers still to be parsed).</summary>
    public static DataColumn OfTexts(string name, string?[] values) => new(name, null, values ?? throw new ArgumentNullException(nameof(values)));
}
