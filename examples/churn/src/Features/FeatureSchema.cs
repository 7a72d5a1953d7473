namespace Keel.Examples.Churn.Features;

/// <summary>Columns of train.csv and holdout.csv: what the model sees, in file order.</summary>
internal static class FeatureSchema
{
    public static readonly string[] Numeric =
    [
        .. CustomerSchema.Numeric, "charges_per_tenure_month", "charge_trend", "support_calls_per_year", "missing_cells",
    ];

    public static readonly string[] Categorical = CustomerSchema.Categorical;

    public static readonly string[] Columns = [CustomerSchema.Id, .. Numeric, .. Categorical, CustomerSchema.Label];
}
