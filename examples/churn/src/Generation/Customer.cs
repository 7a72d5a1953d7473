namespace Keel.Examples.Churn.Generation;

/// <summary>One generated customer before missing cells are punched in.</summary>
internal sealed record Customer(
    long Id,
    int TenureMonths,
    double MonthlyCharges,
    double TotalCharges,
    int SupportCalls,
    int Age,
    double DataUsageGb,
    int PaperlessBilling,
    string Contract,
    string PaymentMethod,
    string Region,
    string InternetService,
    int Churned);
