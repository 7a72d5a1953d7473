using Keel.Examples.Shared;

namespace Keel.Examples.Churn.Generation;

/// <summary>
/// Draws customers from a fixed generative story; <c>drift</c> in [0, 1] moves the population
/// the way a later production batch would: pricier plans, more month-to-month contracts, more
/// fiber, and above 0.5 a region the model never saw.
/// </summary>
internal sealed class CustomerGenerator(long seed, double drift)
{
    private readonly Xoshiro256 _rng = new(seed);

    public Customer Next(long id)
    {
        var region = NextRegion();
        var contract = CustomerSchema.Contracts[_rng.Pick([0.45 + (0.25 * drift), 0.30 - (0.12 * drift), 0.25 - (0.13 * drift)])];
        var internet = CustomerSchema.InternetServices[_rng.Pick([0.18 - (0.08 * drift), 0.40 - (0.12 * drift), 0.42 + (0.20 * drift)])];
        var payment = CustomerSchema.PaymentMethods[_rng.Pick([0.33, 0.20, 0.24, 0.23])];
        var tenure = NextTenure(contract);
        var monthly = NextMonthlyCharges(internet);
        var total = tenure == 0 ? monthly * _rng.NextDouble() : monthly * tenure * Math.Max(0.7, _rng.NextNormal(1.0, 0.06));
        var age = (int)Math.Clamp(Math.Round(_rng.NextNormal(46, 15)), 18, 90);
        var usage = internet == "none" ? 0.0 : Math.Min(1500, Math.Exp(_rng.NextNormal(internet == "fiber" ? 3.6 : 2.8, 0.6)));
        var calls = _rng.NextPoisson(0.9 + (internet == "fiber" ? 0.7 : 0.0) + (0.8 * drift));
        var paperless = _rng.Chance(0.55 + (0.1 * drift)) ? 1 : 0;

        var logit = -2.1
            + (contract == "month-to-month" ? 1.35 : contract == "two-year" ? -1.1 : 0.0)
            - (0.032 * tenure)
            + (0.022 * (monthly - 65))
            + (0.33 * calls)
            + (payment == "electronic-check" ? 0.55 : 0.0)
            + (internet == "fiber" ? 0.35 : 0.0)
            + (paperless == 1 ? 0.2 : 0.0)
            - (0.012 * (age - 46))
            + (region == CustomerSchema.NewRegion ? 0.5 : 0.0)
            + _rng.NextNormal(0, 0.6);
        var churned = _rng.Chance(1.0 / (1.0 + Math.Exp(-logit))) ? 1 : 0;

        return new Customer(id, tenure, monthly, total, calls, age, usage, paperless, contract, payment, region, internet, churned);
    }

    private string NextRegion()
    {
        var newRegionShare = drift > 0.5 ? (drift - 0.5) * 0.3 : 0.0;
        if (_rng.Chance(newRegionShare))
        {
            return CustomerSchema.NewRegion;
        }

        return CustomerSchema.Regions[_rng.Pick([0.24, 0.21, 0.19, 0.22, 0.14])];
    }

    private int NextTenure(string contract)
    {
        var months = contract switch
        {
            "month-to-month" => -16.0 * Math.Log(1.0 - _rng.NextDouble()),
            "one-year" => 6 + (_rng.NextDouble() * 54),
            _ => 18 + (_rng.NextDouble() * 60),
        };
        return (int)Math.Clamp(Math.Floor(months), 0, 72);
    }

    private double NextMonthlyCharges(string internet)
    {
        var baseCharge = internet switch
        {
            "none" => 22.0,
            "dsl" => 52.0,
            _ => 80.0,
        };
        return Math.Clamp(_rng.NextNormal(baseCharge + (18 * drift), 11), 18, 160);
    }
}
