using System.Text;
using System.Text.Json;

namespace Keel.Examples.Shared;

/// <summary>Writes JSON documents (indented, LF, fixed key order) through a temp file.</summary>
internal static class JsonFile
{
    public static void Write(string path, Action<Utf8JsonWriter> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = path + ".tmp";
        using (var stream = File.Create(temp))
        {
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
            {
                body(writer);
            }

            stream.Write(Encoding.UTF8.GetBytes("\n"));
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A flat object of named numbers, in the order given.</summary>
    public static void WriteMetrics(string path, IEnumerable<KeyValuePair<string, double>> metrics)
    {
        Write(path, writer =>
        {
            writer.WriteStartObject();
            foreach (var (key, value) in metrics)
            {
                writer.WriteNumber(key, double.IsFinite(value) ? value : double.NaN);
            }

            writer.WriteEndObject();
        });
    }
}
