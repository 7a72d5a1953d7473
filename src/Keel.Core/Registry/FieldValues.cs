using System.Globalization;

namespace Keel.Registry;

/// <summary>How text cells become typed values: one rule for signatures, profiles and behaviour tests.</summary>
public static class FieldValues
{
    /// <summary>Empty, NA, NaN and null mean missing.</summary>
    public static bool IsMissing(string cell) =>
        cell.Length == 0 || cell is "NA" or "NaN" or "nan" or "null" or "NULL";

    public static bool TryNumber(string cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public static bool TryBoolean(string cell, out bool value)
    {
        switch (cell)
        {
            case "true" or "True" or "TRUE" or "1": value = true; return true;
            case "false" or "False" or "FALSE" or "0": value = false; return true;
            default: value = false; return false;
        }
    }

    /// <summary>A cell as the boxed value a flavor takes: double (NaN when missing), string or bool.</summary>
    public static object? Parse(string cell, FieldType type) => type switch
    {
        FieldType.Number => IsMissing(cell) ? double.NaN : TryNumber(cell, out var d) ? d : double.NaN,
        FieldType.Boolean => TryBoolean(cell, out var b) && b,
        _ => cell,
    };
}
