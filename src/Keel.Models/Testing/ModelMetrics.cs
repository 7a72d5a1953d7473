namespace Keel.Models.Testing;

/// <summary>Metrics over scores and labels: binary ones take a probability and a bool label; regression ones numbers.</summary>
internal static class ModelMetrics
{
    public static double Compute(string metric, IReadOnlyList<double> scores, IReadOnlyList<double> labels) => metric switch
    {
        "auc" => Auc(scores, labels),
        "accuracy" => Confusion(scores, labels, (tp, tn, fp, fn) => (tp + tn) / (double)Math.Max(1, tp + tn + fp + fn)),
        "precision" => Confusion(scores, labels, (tp, _, fp, _) => tp / (double)Math.Max(1, tp + fp)),
        "recall" => Confusion(scores, labels, (tp, _, _, fn) => tp / (double)Math.Max(1, tp + fn)),
        "f1" => Confusion(scores, labels, (tp, _, fp, fn) => 2.0 * tp / Math.Max(1, (2 * tp) + fp + fn)),
        "log_loss" => scores.Zip(labels, (s, y) => -((y * Math.Log(Math.Clamp(s, 1e-15, 1 - 1e-15))) + ((1 - y) * Math.Log(1 - Math.Clamp(s, 1e-15, 1 - 1e-15))))).Average(),
        "rmse" => Math.Sqrt(scores.Zip(labels, (s, y) => (s - y) * (s - y)).Average()),
        "mae" => scores.Zip(labels, (s, y) => Math.Abs(s - y)).Average(),
        "r2" => R2(scores, labels),
        _ => throw new KeelException($"unknown metric '{metric}'"),
    };

    /// <summary>Lower is better for these; a test's 'min' is then a ceiling.</summary>
    public static bool LowerIsBetter(string metric) => metric is "log_loss" or "rmse" or "mae";

    private static double Auc(IReadOnlyList<double> scores, IReadOnlyList<double> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        long pos = 0;
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]]) j++;
            var rank = ((i + j) / 2.0) + 1;
            for (var k = i; k <= j; k++)
                if (labels[order[k]] > 0.5) { rankSum += rank; pos++; }
            i = j + 1;
        }
        var neg = order.Length - pos;
        return pos == 0 || neg == 0 ? double.NaN : (rankSum - (pos * (pos + 1) / 2.0)) / (pos * (double)neg);
    }

    private static double Confusion(IReadOnlyList<double> scores, IReadOnlyList<double> labels, Func<long, long, long, long, double> f)
    {
        long tp = 0, tn = 0, fp = 0, fn = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            var predicted = scores[i] >= 0.5;
            var actual = labels[i] > 0.5;
            if (predicted && actual) tp++;
            else if (!predicted && !actual) tn++;
            else if (predicted) fp++;
            else fn++;
        }
        return f(tp, tn, fp, fn);
    }

    private static double R2(IReadOnlyList<double> scores, IReadOnlyList<double> labels)
    {
        var mean = labels.Average();
        var ssTot = labels.Sum(y => (y - mean) * (y - mean));
        var ssRes = scores.Zip(labels, (s, y) => (y - s) * (y - s)).Sum();
        return ssTot == 0 ? double.NaN : 1 - (ssRes / ssTot);
    }
}
