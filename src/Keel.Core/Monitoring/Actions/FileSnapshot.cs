namespace Keel.Monitoring.Actions;

/// <summary>The snapshot of file input (<c>--current</c> CSVs): the files themselves, copied.</summary>
public sealed class FileSnapshot(IReadOnlyList<string> files) : IProductionSnapshot
{
    public Task<SnapshotResult> WriteAsync(string directory, CancellationToken cancellationToken)
    {
        foreach (string file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        }

        return Task.FromResult(new SnapshotResult($"{files.Count} production file(s)", []));
    }
}
