using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Objects;

/// <summary>Writes a digest as its text form, <c>blake3:&lt;hex&gt;</c>.</summary>
public sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Digest.Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
