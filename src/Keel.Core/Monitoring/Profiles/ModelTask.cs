namespace Keel.Monitoring.Profiles;

/// <summary>What the model predicts, which decides the performance metrics.</summary>
public enum ModelTask
{
    /// <summary>No score column: performance is not monitored.</summary>
    None,

    /// <summary>Score is a probability of the positive class: AUC, accuracy, and the CBPE-style estimate.</summary>
    BinaryClassification,

    /// <summary>Score is a numeric prediction: RMSE.</summary>
    Regression,
}
