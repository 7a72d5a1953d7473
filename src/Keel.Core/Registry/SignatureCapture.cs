namespace Keel.Registry;

/// <summary>
/// Builds a signature from the inputs a flavor reports and, when known, the training data:
/// ranges, the categories seen and whether values were missing.
/// </summary>
public static class SignatureCapture
{
    /// <summary>More distinct values than this and a text field is treated as free text (no category check).</summary>
    public const int MaxCategories = 1000;

    public static ModelSignature Capture(IReadOnlyList<(string Name, FieldType Type)> inputs, IReadOnlyList<string> outputs, CsvTable? training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var fields = new List<SignatureField>(inputs.Count);
        foreach (var (name, type) in inputs)
        {
            var col = training?.IndexOf(name) ?? -1;
            if (training is null || col < 0)
            {
                fields.Add(new SignatureField(name, type, type == FieldType.Number, null, null, null));
                continue;
            }
            var missing = false;
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            var categories = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var row in training.Rows)
            {
                var cell = row[col];
                if (FieldValues.IsMissing(cell)) { missing = true; continue; }
                if (type == FieldType.Number && FieldValues.TryNumber(cell, out var d))
                {
                    if (d < min) min = d;
                    if (d > max) max = d;
                }
                else if (type == FieldType.Text && categories.Count <= MaxCategories) categories.Add(cell);
            }
            fields.Add(type switch
            {
                FieldType.Number => new SignatureField(name, type, missing, double.IsFinite(min) ? min : null, double.IsFinite(max) ? max : null, null),
                FieldType.Text => new SignatureField(name, type, missing, null, null, categories.Count <= MaxCategories ? [.. categories] : null),
                _ => new SignatureField(name, type, missing, null, null, null),
            });
        }
        return new ModelSignature(fields, outputs, training?.Rows.Count ?? 0);
    }
}
