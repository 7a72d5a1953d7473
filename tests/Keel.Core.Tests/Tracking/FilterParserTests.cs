using Keel.Tracking.Filters;

namespace Keel.Core.Tests.Tracking;

public sealed class FilterParserTests
{
    [Fact]
    public void Parse_AndBindsTighterThanOr()
    {
        var f = FilterParser.Parse("status = 'failed' or metrics.auc > 0.9 and params.trainer = 'lightgbm'");
        var or = Assert.IsType<RunFilterOr>(f);
        Assert.IsType<RunFilterComparison>(or.Left);
        Assert.IsType<RunFilterAnd>(or.Right);
    }

    [Fact]
    public void Parse_Parentheses_Group()
    {
        var f = FilterParser.Parse("(status = 'failed' or status = 'killed') AND NOT tags.team = \"ml\"");
        var and = Assert.IsType<RunFilterAnd>(f);
        Assert.IsType<RunFilterOr>(and.Left);
        var not = Assert.IsType<RunFilterNot>(and.Right);
        var c = Assert.IsType<RunFilterComparison>(not.Inner);
        Assert.Equal(new RunField(FieldScope.Tag, "team"), c.Field);
        Assert.Equal("ml", c.Value);
    }

    [Fact]
    public void Parse_Comparison_ReadsFieldOperatorAndNumber()
    {
        var c = Assert.IsType<RunFilterComparison>(FilterParser.Parse("metrics.val/auc >= -1.5e-3"));
        Assert.Equal(new RunField(FieldScope.Metric, "val/auc"), c.Field);
        Assert.Equal(CompareOp.GreaterOrEqual, c.Op);
        Assert.Equal(-1.5e-3, c.Value);
    }

    [Theory]
    [InlineData("metrics.auc > and x", 15)]
    [InlineData("metrics.auc >> 1", 14)]
    [InlineData("metrics.auc 0.9", 13)]
    [InlineData("(status = 'x'", 14)]
    [InlineData("status = 'unterminated", 10)]
    [InlineData("bogus = 1", 1)]
    [InlineData("metrics.auc > 0.9 params.x = 1", 19)]
    [InlineData("metrics.auc = 'high'", 15)]
    [InlineData("name = 'a' # b", 12)]
    public void Parse_SyntaxError_PointsAtTheColumn(string expression, int column)
    {
        var e = Assert.Throws<FilterSyntaxException>(() => FilterParser.Parse(expression));
        Assert.Equal(column, e.Column);
        var lines = e.Message.Split('\n');
        Assert.Equal("  " + expression, lines[1]);
        Assert.Equal(column + 1, lines[2].IndexOf('^', StringComparison.Ordinal));
    }

    [Fact]
    public void Sort_Parse_AcceptsMinusAndDesc()
    {
        Assert.Equal(new RunSort(new RunField(FieldScope.Metric, "auc"), true), RunSort.Parse("-metrics.auc"));
        Assert.Equal(new RunSort(new RunField(FieldScope.Metric, "auc"), true), RunSort.Parse("metrics.auc desc"));
        Assert.Equal(new RunSort(new RunField(FieldScope.Attribute, "name"), false), RunSort.Parse("name"));
        Assert.Throws<KeelException>(() => RunSort.Parse("nope"));
    }
}
