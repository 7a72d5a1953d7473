namespace Keel.Examples.Churn.Evaluation;

/// <summary>Expected calibration error: the row-weighted gap between mean predicted probability and observed rate, per equal-width bin.</summary>
internal static class CalibrationError
{
    public static double Expected(IReadOnlyList<float> probabilities, IReadOnlyList<bool> labels, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        if (probabilities.Count != labels.Count || probabilities.Count == 0)
        {
            throw new ArgumentException("need one label per probability, and at least one row", nameof(labels));
        }

        var count = new int[bins];
        var sumProbability = new double[bins];
        var positives = new int[bins];
        for (var i = 0; i < probabilities.Count; i++)
        {
            var p = Math.Clamp((double)probabilities[i], 0, 1);
            var bin = Math.Min((int)(p * bins), bins - 1);
            count[bin]++;
            sumProbability[bin] += p;
            positives[bin] += labels[i] ? 1 : 0;
        }

        var error = 0.0;
        for (var b = 0; b < bins; b++)
        {
            if (count[b] > 0)
            {
                error += count[b] * Math.Abs((sumProbability[b] / count[b]) - ((double)positives[b] / count[b]));
            }
        }

        return error / probabilities.Count;
    }
}
