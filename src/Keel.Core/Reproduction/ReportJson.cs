using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Reproduction;

/// <summary>The JSON shape of reports written to files and objects (snake_case, like the CLI's --json).</summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
