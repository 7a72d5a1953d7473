namespace Keel.Monitoring.Profiles;

/// <summary>
/// Mergeable, bounded evidence about model performance in a window: per score bin, labelled positives and
/// negatives and all scored rows (for realised AUC/accuracy and the CBPE-style estimate), and error
/// moments for regression.
/// </summary>
internal sealed class PerformanceSketch(int scoreBins)
{
    public long[] Positives { get; } = new long[scoreBins];

    public long[] Negatives { get; } = new long[scoreBins];

    public long[] Scored { get; } = new long[scoreBins];

    public double[] ScoreSums { get; } = new double[scoreBins];

    public long RegressionCount { get; private set; }

    public double ErrorSquares { get; private set; }

    public double ErrorFourths { get; private set; }

    public int Bins => scoreBins;

    public void AddScore(double score)
    {
        int b = ScoreBins.Index(score, scoreBins);
        Scored[b]++;
        ScoreSums[b] += Math.Clamp(score, 0, 1);
    }

    public void AddBinaryLabel(double score, int label)
    {
        int b = ScoreBins.Index(score, scoreBins);
        if (label == 1)
        {
            Positives[b]++;
        }
        else
        {
            Negatives[b]++;
        }
    }

    public void AddRegression(double prediction, double actual)
    {
        double e = prediction - actual;
        double e2 = e * e;
        RegressionCount++;
        ErrorSquares += e2;
        ErrorFourths += e2 * e2;
    }

    public void Merge(PerformanceSketch other)
    {
        for (int b = 0; b < scoreBins; b++)
        {
            Positives[b] += other.Positives[b];
            Negatives[b] += other.Negatives[b];
            Scored[b] += other.Scored[b];
            ScoreSums[b] += other.ScoreSums[b];
        }

        RegressionCount += other.RegressionCount;
        ErrorSquares += other.ErrorSquares;
        ErrorFourths += other.ErrorFourths;
    }

    public long Labelled => Positives.Sum() + Negatives.Sum() + RegressionCount;
}
