namespace Keel.Datasets;

/// <summary>The rule that a dataset name tracks one path, with its error shared by the adder and the stores.</summary>
public static class DatasetPaths
{
    public static KeelException AlreadyTracks(string name, string trackedPath, string requestedPath) =>
        new($"dataset '{name}' already tracks '{trackedPath}'; pass --name to version '{requestedPath}' as another dataset");
}
