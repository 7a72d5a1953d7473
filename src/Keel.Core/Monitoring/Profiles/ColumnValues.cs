using System.Globalization;

namespace Keel.Monitoring.Profiles;

/// <summary>Turns a column into numbers or levels the way every profile does, so reference and windows agree.</summary>
internal static class ColumnValues
{
    /// <summary>Numbers of a column; text that is not a number becomes NaN and is counted in <paramref name="unparseable"/>.</summary>
    public static double[] Numbers(DataColumn column, out long unparseable)
    {
        unparseable = 0;
        if (column.Numbers is { } numbers)
        {
            return numbers;
        }

        string?[] texts = column.Texts!;
        double[] result = new double[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            string? t = texts[i];
            if (string.IsNullOrEmpty(t))
            {
                result[i] = double.NaN;
            }
            else if (!TryParse(t, out result[i]))
            {
                result[i] = double.NaN;
                unparseable++;
            }
        }

        return result;
    }

    /// <summary>Levels of a column; numbers are formatted invariantly, NaN is missing (null).</summary>
    public static string?[] Levels(DataColumn column)
    {
        if (column.Texts is { } texts)
        {
            return texts;
        }

        double[] numbers = column.Numbers!;
        string?[] result = new string?[numbers.Length];
        for (int i = 0; i < numbers.Length; i++)
        {
            result[i] = double.IsNaN(numbers[i]) ? null : numbers[i].ToString("R", CultureInfo.InvariantCulture);
        }

        return result;
    }

    /// <summary>True when the column looks numeric: a number column, or text whose non-missing values nearly all parse.</summary>
    public static bool LooksNumeric(DataColumn column, double share)
    {
        if (column.Numbers is not null)
        {
            return true;
        }

        long present = 0;
        long parsed = 0;
        foreach (string? t in column.Texts!)
        {
            if (string.IsNullOrEmpty(t))
            {
                continue;
            }

            present++;
            if (TryParse(t, out _))
            {
                parsed++;
            }
        }

        return present > 0 && parsed >= share * present;
    }

    public static bool TryParse(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Binary label: the positive label (or true, yes, 1) is 1, anything else present is 0, missing is null.</summary>
    public static int? BinaryLabel(string? text, string positive)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string t = text.Trim();
        return t == positive || t.Equals("true", StringComparison.OrdinalIgnoreCase) || t.Equals("yes", StringComparison.OrdinalIgnoreCase) || t == "1" ? 1 : 0;
    }
}
