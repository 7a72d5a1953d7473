using System.Globalization;

namespace Keel.Reproduction;

/// <summary>An abs/rel tolerance: a value passes when |a - b| &lt;= abs + rel * |recorded| (numpy's isclose).</summary>
internal readonly record struct Tolerance(double Abs, double Rel)
{
    public bool Accepts(double recorded, double reproduced)
    {
        if (double.IsNaN(recorded) || double.IsNaN(reproduced)) return double.IsNaN(recorded) && double.IsNaN(reproduced);
        if (recorded.Equals(reproduced)) return true;
        return Math.Abs(recorded - reproduced) <= Abs + (Rel * Math.Abs(recorded));
    }

    public override string ToString() =>
        Abs == 0 && Rel == 0 ? "exact" : string.Create(CultureInfo.InvariantCulture, $"abs {Abs:G6}, rel {Rel:G6}");
}
