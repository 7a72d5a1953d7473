namespace Keel.Examples.Penguins;

/// <summary>Columns of the prepared train.csv and holdout.csv, in file order.</summary>
internal static class PenguinSchema
{
    public const string Id = "id";
    public const string Label = "species";

    public static readonly string[] Numeric = ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"];

    public static readonly string[] Categorical = ["island", "sex"];

    public static readonly string[] Columns = [Id, .. Numeric, .. Categorical, Label];

    /// <summary>The JSON field each numeric column comes from.</summary>
    public static readonly string[] JsonNumeric = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"];
}
