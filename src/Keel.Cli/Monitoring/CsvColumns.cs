namespace Keel.Cli.Monitoring;

/// <summary>Which CSV columns carry the request id, time, model version, score and label; the rest are features.</summary>
internal sealed record CsvColumns(string Id, string Time, string ModelVersion, string Score, string Label, IReadOnlySet<string> Ignore)
{
    public bool IsFeature(string name) =>
        name != Id && name != Time && name != ModelVersion && name != Score && name != Label && !Ignore.Contains(name);
}
