using System.Text.Json;
using Keel.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring.Statistics;

public sealed class PsiBinsTests
{
    public static TheoryData<string> Cases => Fixtures.Names("psi");

    [Theory]
    [MemberData(nameof(Cases))]
    public void FitAndScore_NumPyFixture_MatchesEdgesProportionsAndPsi(string name)
    {
        // Given reference-quantile bins computed with NumPy
        JsonElement c = Fixtures.Case("psi", name);
        var options = new PsiOptions { BinCount = c.GetProperty("bins").GetInt32(), SmoothingPseudoCount = c.Double("alpha") };

        // When Keel fits and scores
        PsiBins bins = PsiBins.Fit(c.Doubles("reference"), options);
        PsiResult result = bins.Score(c.Doubles("current"));

        // Then edges, smoothed reference proportions and PSI agree
        double[] edges = c.Doubles("edges");
        Assert.Equal(edges.Length, bins.Edges.Count);
        for (int i = 0; i < edges.Length; i++)
        {
            Close.Equal(edges[i], bins.Edges[i], 1e-12, 1e-300, $"edge {i}");
        }

        double[] proportions = c.Doubles("reference_proportions");
        for (int i = 0; i < proportions.Length; i++)
        {
            Close.Equal(proportions[i], bins.ReferenceProportions[i], Close.StatisticTolerance, 0, $"proportion {i}");
        }

        Assert.True(result.IsSufficient);
        Close.Equal(c.Double("psi"), result.Value, Close.StatisticTolerance, 1e-15, "psi");
    }

    [Fact]
    public void Score_SameSampleAsReference_IsZero()
    {
        double[] reference = [.. Enumerable.Range(0, 1000).Select(i => Math.Sin(i))];

        PsiResult result = PsiBins.Fit(reference).Score(reference);

        Assert.Equal(0.0, result.Value, 15);
    }

    [Fact]
    public void Score_AllMassInOneEmptyReferenceBin_IsFinite()
    {
        PsiBins bins = PsiBins.Fit([.. Enumerable.Range(0, 100).Select(i => (double)i)]);

        PsiResult result = bins.Score([.. Enumerable.Repeat(1e9, 500)]);

        Assert.True(double.IsFinite(result.Value));
        Assert.True(result.Value > 1.0);
    }

    [Fact]
    public void Score_NaNAndInfinities_NaNExcludedInfinitiesInOuterBins()
    {
        PsiBins bins = PsiBins.Fit([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
        double[] current = [double.NaN, double.NegativeInfinity, double.PositiveInfinity, 5.0, double.NaN];

        PsiResult result = bins.Score(current);

        Assert.Equal(3, result.CurrentCount);
        Assert.Equal(2, result.ExcludedNaN);
        Assert.True(double.IsFinite(result.Value));
    }

    [Fact]
    public void Score_VectorPathAndScalarTail_AgreeWithBinarySearchCounting()
    {
        // Given 1,003 values (not a multiple of any vector width) and 64 bins (binary-search path)
        var random = new Random(3);
        double[] reference = [.. Enumerable.Range(0, 5000).Select(_ => random.NextDouble())];
        double[] current = [.. Enumerable.Range(0, 1003).Select(_ => random.NextDouble() * 1.2)];

        // When PSI is computed with 10 bins (SIMD comparison) on the same data reordered
        PsiBins ten = PsiBins.Fit(reference);
        double forward = ten.Score(current).Value;
        double backward = ten.Score([.. current.Reverse()]).Value;
        double wide = PsiBins.Fit(reference, new PsiOptions { BinCount = 64 }).Score(current).Value;

        // Then counting does not depend on order or lane position
        Assert.Equal(forward, backward, 12);
        Assert.True(wide > 0 && double.IsFinite(wide));
    }

    [Fact]
    public void Score_EmptyOrAllNaN_FlagsInsufficient()
    {
        PsiBins bins = PsiBins.Fit([1.0, 2.0, 3.0]);

        Assert.False(bins.Score([]).IsSufficient);
        Assert.False(bins.Score([double.NaN]).IsSufficient);
        Assert.False(PsiBins.Fit([double.NaN]).Score([1.0]).IsSufficient);
        Assert.Equal(0.0, PsiBins.Fit([]).Score([1.0]).Value);
    }

    [Fact]
    public void Fit_ConstantReference_OneEdgeTwoBins()
    {
        PsiBins bins = PsiBins.Fit([.. Enumerable.Repeat(4.0, 50)]);

        Assert.Equal([4.0], bins.Edges);
        Assert.True(double.IsFinite(bins.Score([4.0, 5.0]).Value));
    }

    [Fact]
    public void Fit_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PsiBins.Fit([1.0], new PsiOptions { BinCount = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => PsiBins.Fit([1.0], new PsiOptions { SmoothingPseudoCount = 0 }));
    }
}
