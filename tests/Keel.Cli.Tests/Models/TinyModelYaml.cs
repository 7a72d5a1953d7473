namespace Keel.Cli.Tests.Models;

/// <summary>keel.yaml for a workspace holding the tiny churn model (see TinyChurnModel) and no stages.</summary>
internal static class TinyModelYaml
{
    /// <summary>The model with an AUC floor and a schema test, which tiny@1 passes.</summary>
    public const string WithTests = """
        stages: {}
        models:
          tiny:
            label: churned
            holdout: data/holdout.csv
            tests:
              - {name: auc-floor, type: metric, metric: auc, min: 0.6}
              - {name: schema, type: schema}
        """;
}
