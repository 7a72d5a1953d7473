using System.Globalization;
using Keel.Registry;

namespace Keel.Monitoring.Profiles;

/// <summary>
/// The one reference profile of a deployed model, built at deploy from its training data: kinds follow the
/// signature (numbers are numeric, text and booleans categorical), the model's scores on that data give the
/// score distribution, and the label column (when present) the calibration table. Serving validates against
/// it and monitoring compares production with it.
/// </summary>
public static class TrainingReference
{
    /// <summary>Name the score takes in the profile's columns (never a feature).</summary>
    public const string ScoreColumn = "__score__";

    /// <summary>Profiles the signature's fields of <paramref name="table"/>; <paramref name="scores"/> is one model score per row, or null.</summary>
    public static ReferenceProfile Build(CsvTable table, ModelSignature signature, IReadOnlyList<double>? scores, string? label, string source)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(signature);
        if (scores is not null && scores.Count != table.Rows.Count)
        {
            throw new ArgumentException("One score per row is needed.", nameof(scores));
        }

        var columns = new List<DataColumn>();
        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        foreach (SignatureField field in signature.Inputs)
        {
            int at = table.IndexOf(field.Name);
            if (at < 0)
            {
                continue;
            }

            if (field.Type == FieldType.Number)
            {
                columns.Add(DataColumn.OfNumbers(field.Name, [.. table.Rows.Select(r => Number(r[at]))]));
                kinds[field.Name] = ColumnKind.Numeric;
            }
            else
            {
                columns.Add(DataColumn.OfTexts(field.Name, [.. table.Rows.Select(r => Text(r[at], field.Type))]));
                kinds[field.Name] = ColumnKind.Categorical;
            }
        }

        int labelAt = label is null ? -1 : table.IndexOf(label);
        if (labelAt >= 0)
        {
            columns.Add(DataColumn.OfTexts(label!, [.. table.Rows.Select(r => r[labelAt])]));
        }

        if (scores is not null)
        {
            columns.Add(DataColumn.OfNumbers(ScoreColumn, [.. scores]));
        }

        var roles = new ReferenceColumns
        {
            Kinds = kinds,
            Score = scores is null ? null : ScoreColumn,
            Label = labelAt >= 0 ? label : null,
        };
        return ReferenceProfileBuilder.Build(columns, roles, source);
    }

    /// <summary>A categorical cell as profiled and captured: null when missing, booleans as <c>true</c>/<c>false</c>.</summary>
    public static string? Text(string cell, FieldType type)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (FieldValues.IsMissing(cell))
        {
            return null;
        }

        return type == FieldType.Boolean && FieldValues.TryBoolean(cell, out bool b) ? (b ? "true" : "false") : cell;
    }

    private static double Number(string cell) =>
        !FieldValues.IsMissing(cell) && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : double.NaN;
}
