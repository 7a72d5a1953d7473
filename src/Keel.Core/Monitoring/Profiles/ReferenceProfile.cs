using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Monitoring.Profiles;

/// <summary>
/// What production is compared with: a profile of the training data (and of the model's scores on it),
/// built once, at deploy, and stored as an object. Serialisable as JSON.
/// </summary>
public sealed record ReferenceProfile
{
    /// <summary>Format version of the serialised profile.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>Rows profiled.</summary>
    public long Rows { get; init; }

    /// <summary>Where the profile came from (a path, a dataset reference or a digest).</summary>
    public string Source { get; init; } = "";

    /// <summary>Features in column order.</summary>
    public IReadOnlyList<FeatureReference> Features { get; init; } = [];

    /// <summary>What the model predicts.</summary>
    public ModelTask Task { get; init; }

    /// <summary>The score (model output) distribution on the reference, when scores were given.</summary>
    public NumericReference? Score { get; init; }

    /// <summary>Label value that counts as positive for classification; default "1" (also "true", "yes").</summary>
    public string PositiveLabel { get; init; } = "1";

    /// <summary>Observed positive rate per equal-width score bin on the reference (smoothed towards the bin's mean score); null without reference labels and scores.</summary>
    public double[]? Calibration { get; init; }

    /// <summary>Resolution the profile was built with; windows use the same.</summary>
    public ProfileOptions Options { get; init; } = new();

    /// <summary>Looks a feature up by name.</summary>
    public FeatureReference? Find(string name) => Features.FirstOrDefault(f => f.Name == name);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Serialises as UTF-8 JSON (the object a deploy stores).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a profile written by <see cref="ToJson"/>.</summary>
    public static ReferenceProfile FromJson(ReadOnlySpan<byte> utf8)
    {
        ReferenceProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize<ReferenceProfile>(utf8, Json);
        }
        catch (JsonException e)
        {
            throw new KeelException($"the reference profile is not valid JSON: {e.Message}");
        }

        if (profile is null || profile.FormatVersion != 1)
        {
            throw new KeelException("the reference profile has an unknown format version; rebuild it with this version of keel");
        }

        return profile;
    }
}
