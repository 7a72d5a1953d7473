using System.Text.Json;

namespace Keel.Core.Tests.Monitoring.Statistics;

/// <summary>SciPy-generated expectations from Monitoring/Fixtures/fixtures.json (see make_fixtures.py there).</summary>
internal static class Fixtures
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Monitoring", "Fixtures", "fixtures.json");
        using FileStream stream = File.OpenRead(path);
        using JsonDocument document = JsonDocument.Parse(stream);
        return document.RootElement.Clone();
    });

    public static IEnumerable<JsonElement> Section(string name) => Root.Value.GetProperty(name).EnumerateArray();

    public static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (JsonElement item in Section(section))
        {
            data.Add(item.GetProperty("name").GetString()!);
        }

        return data;
    }

    public static TheoryData<int> Indices(string section)
    {
        var data = new TheoryData<int>();
        int count = Section(section).Count();
        for (int i = 0; i < count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static JsonElement Case(string section, string name) =>
        Section(section).Single(item => item.GetProperty("name").GetString() == name);

    public static JsonElement Case(string section, int index) => Section(section).ElementAt(index);

    public static double[] Doubles(this JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(x => x.GetDouble())];

    public static long[] Longs(this JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(x => x.GetInt64())];

    public static double Double(this JsonElement element, string property) => element.GetProperty(property).GetDouble();
}
