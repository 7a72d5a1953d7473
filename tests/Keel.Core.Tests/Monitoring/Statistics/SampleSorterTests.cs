using Keel.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring.Statistics;

public sealed class SampleSorterTests
{
    [Fact]
    public void Sort_RadixSizedMixedValues_SameOrderAsArraySort()
    {
        // Given values above the radix threshold: signs, ties, subnormals, extremes and infinities
        var random = new Random(11);
        double[] values = [.. Enumerable.Range(0, 50_000).Select(i => (i % 7) switch
        {
            0 => Math.Round((random.NextDouble() * 10) - 5, 1),
            1 => -random.NextDouble() * 1e300,
            2 => random.NextDouble() * double.Epsilon * 1e6,
            3 => double.PositiveInfinity,
            4 => double.NegativeInfinity,
            _ => (random.NextDouble() - 0.5) * 1e-3,
        })];
        double[] expected = [.. values];
        Array.Sort(expected);

        // When radix-sorted
        SampleSorter.Sort(values);

        // Then the order matches the BCL's
        Assert.Equal(expected, values);
    }

    [Fact]
    public void CopySortedWithoutNaN_NaNAndNegativeZero_DropsNaNNormalisesZero()
    {
        double[] source = [double.NaN, 1.0, -0.0, double.NaN, -2.0];

        int count = SampleSorter.CopySortedWithoutNaN(source, out double[] buffer);

        Assert.Equal([-2.0, 0.0, 1.0], buffer.AsSpan(0, count).ToArray());
        Assert.False(double.IsNegative(buffer[1]));
        System.Buffers.ArrayPool<double>.Shared.Return(buffer);
    }
}
