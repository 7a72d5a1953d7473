using System.Globalization;
using Keel.Examples.Shared;

namespace Keel.Examples.Churn.Validation;

/// <summary>
/// <c>validate</c>: schema and range checks on a raw customer table. Unknown category values
/// (a new region in a drifted batch) are reported, not fatal: the model copes with them.
/// </summary>
internal static class ValidateCommand
{
    public static int Run(ArgReader args)
    {
        var input = args.Required("in");
        var reportPath = args.Required("report");
        args.EnsureAllRead();

        var table = CsvTable.Read(input);
        var report = new ValidationReport { Rows = table.Rows.Count };
        CheckHeader(table, report);
        if (report.ViolationCount == 0)
        {
            for (var r = 0; r < table.Rows.Count; r++)
            {
                CheckRow(table.Rows[r], r + 2, report);
            }
        }

        if (report.Rows == 0)
        {
            report.AddViolation("no data rows");
        }

        Write(reportPath, input, report);
        if (report.ViolationCount > 0)
        {
            throw new DataCheckException(
                $"{input}: {report.ViolationCount} schema violation(s), first: {report.Violations[0]} (details in {reportPath})");
        }

        Console.Error.WriteLine($"validate: {report.Rows} rows ok, churn rate {Rate(report.Churned, report.Rows):0.####}");
        return 0;
    }

    private static void CheckHeader(CsvTable table, ValidationReport report)
    {
        var expected = CustomerSchema.Columns;
        foreach (var column in expected.Where(c => !table.Has(c)))
        {
            report.AddViolation($"missing column '{column}'");
        }

        foreach (var column in table.Header.Where(c => !expected.Contains(c)))
        {
            report.AddViolation($"unexpected column '{column}'");
        }

        if (report.ViolationCount == 0 && !table.Header.SequenceEqual(expected))
        {
            report.AddViolation($"columns out of order, expected: {string.Join(',', expected)}");
        }
    }

    private static void CheckRow(string[] cells, int line, ValidationReport report)
    {
        if (!long.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            report.AddViolation($"line {line}: {CustomerSchema.Id} '{cells[0]}' is not an integer");
        }

        for (var i = 1; i < CustomerSchema.Columns.Length; i++)
        {
            var column = CustomerSchema.Columns[i];
            var cell = cells[i];
            if (cell.Length == 0)
            {
                report.Missing[column] = report.Missing.GetValueOrDefault(column) + 1;
                if (column == CustomerSchema.Label)
                {
                    report.AddViolation($"line {line}: label '{column}' is blank");
                }

                continue;
            }

            if (column == CustomerSchema.Label)
            {
                CheckLabel(cell, line, report);
            }
            else if (CustomerSchema.Categorical.Contains(column))
            {
                if (!CustomerSchema.Domain(column).Contains(cell))
                {
                    report.AddUnknown(column, cell);
                }
            }
            else
            {
                CheckNumber(column, cell, line, report);
            }
        }
    }

    private static void CheckLabel(string cell, int line, ValidationReport report)
    {
        switch (cell)
        {
            case "1":
                report.Churned++;
                break;
            case "0":
                break;
            default:
                report.AddViolation($"line {line}: {CustomerSchema.Label} must be 0 or 1, got '{cell}'");
                break;
        }
    }

    private static void CheckNumber(string column, string cell, int line, ValidationReport report)
    {
        var (min, max) = CustomerSchema.Range(column);
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            report.AddViolation($"line {line}: {column} '{cell}' is not a number");
        }
        else if (value < min || value > max)
        {
            report.AddViolation($"line {line}: {column} {cell} outside [{min}, {max}]");
        }
    }

    private static void Write(string path, string input, ValidationReport report)
    {
        JsonFile.Write(path, w =>
        {
            w.WriteStartObject();
            w.WriteString("input", input);
            w.WriteBoolean("valid", report.ViolationCount == 0);
            w.WriteNumber("rows", report.Rows);
            w.WriteNumber("label_rate", Rate(report.Churned, report.Rows));
            w.WriteStartObject("missing_rates");
            foreach (var column in CustomerSchema.Columns)
            {
                w.WriteNumber(column, Rate(report.Missing.GetValueOrDefault(column), report.Rows));
            }

            w.WriteEndObject();
            w.WriteStartObject("unknown_categories");
            foreach (var (column, counts) in report.UnknownCategories)
            {
                w.WriteStartObject(column);
                foreach (var (value, count) in counts)
                {
                    w.WriteNumber(value, count);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteNumber("violation_count", report.ViolationCount);
            w.WriteStartArray("violations");
            foreach (var violation in report.Violations)
            {
                w.WriteStringValue(violation);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static double Rate(int count, int rows) => rows == 0 ? 0 : Math.Round((double)count / rows, 6);
}
