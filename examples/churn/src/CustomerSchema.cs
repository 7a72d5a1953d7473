namespace Keel.Examples.Churn;

/// <summary>The raw customer table: column order, categorical values and plausible ranges.</summary>
internal static class CustomerSchema
{
    public const string Id = "customer_id";
    public const string Label = "churned";

    public static readonly string[] Numeric =
    [
        "tenure_months", "monthly_charges", "total_charges", "support_calls", "age", "data_usage_gb", "paperless_billing",
    ];

    public static readonly string[] Categorical = ["contract", "payment_method", "region", "internet_service"];

    public static readonly string[] Columns = [Id, .. Numeric, .. Categorical, Label];

    public static readonly string[] Contracts = ["month-to-month", "one-year", "two-year"];
    public static readonly string[] PaymentMethods = ["electronic-check", "mailed-check", "bank-transfer", "credit-card"];
    public static readonly string[] Regions = ["north", "south", "east", "west", "central"];

    /// <summary>Appears only in drifted batches: a market that did not exist at training time.</summary>
    public const string NewRegion = "islands";

    public static readonly string[] InternetServices = ["none", "dsl", "fiber"];

    /// <summary>Inclusive bounds a valid value must fall in.</summary>
    public static (double Min, double Max) Range(string column) => column switch
    {
        "tenure_months" => (0, 72),
        "monthly_charges" => (0, 250),
        "total_charges" => (0, 20000),
        "support_calls" => (0, 50),
        "age" => (18, 100),
        "data_usage_gb" => (0, 2000),
        "paperless_billing" => (0, 1),
        _ => (double.NegativeInfinity, double.PositiveInfinity),
    };

    public static IReadOnlyList<string> Domain(string column) => column switch
    {
        "contract" => Contracts,
        "payment_method" => PaymentMethods,
        "region" => Regions,
        "internet_service" => InternetServices,
        _ => [],
    };
}
