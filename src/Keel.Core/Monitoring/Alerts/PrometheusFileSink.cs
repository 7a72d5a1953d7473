namespace Keel.Monitoring;

/// <summary>Writes the Prometheus exposition of every window to a file, atomically (temp file, then rename).</summary>
public sealed class PrometheusFileSink(string path) : IAlertSink
{
    public string Name => $"prometheus file {path}";

    public async Task PublishAsync(AlertEvent alert, CancellationToken cancellationToken)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp";
        await File.WriteAllTextAsync(temp, PrometheusExposition.Render(alert), cancellationToken).ConfigureAwait(false);
        File.Move(temp, full, overwrite: true);
    }
}
