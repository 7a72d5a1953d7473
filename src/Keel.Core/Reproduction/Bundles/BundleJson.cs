using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Reproduction.Bundles;

/// <summary>
/// The bundle's JSON entries with <see cref="ReportJson"/>'s shape, through compile-time
/// metadata: reflection-built serializers cost hundreds of milliseconds on first use, which
/// every export and import paid before moving a byte.
/// </summary>
internal static class BundleJson
{
    public static JsonSerializerOptions Options { get; } = new(ReportJson.Options) { TypeInfoResolver = BundleJsonContext.Default };
}

[JsonSerializable(typeof(BundleManifest))]
[JsonSerializable(typeof(BundleLineage))]
[JsonSerializable(typeof(ImportRecord))]
internal sealed partial class BundleJsonContext : JsonSerializerContext;
