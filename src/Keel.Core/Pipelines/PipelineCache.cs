namespace Keel.Pipelines;

/// <summary>What a no-op <c>keel run</c> needs from YAML files: the pipeline, the lock and the params values.</summary>
internal sealed record PipelineCacheFile(
    IReadOnlyList<SourceFile> Files,
    PipelineDefinition Pipeline,
    Dictionary<string, LockedStage> Lock,
    Dictionary<string, Dictionary<string, string>> Params);

/// <summary>
/// keel.yaml, keel.lock and params files, parsed once and kept in <c>.keel/cache/pipeline.bin</c>
/// with the exact bytes they were parsed from; used while every file still holds those bytes.
/// Parsing YAML costs a process tens of milliseconds on first use; comparing a few small files
/// costs microseconds.
/// </summary>
internal static class PipelineCache
{
    public static PipelineCacheFile? TryLoad(string root, string keelDir)
    {
        var file = Path.Combine(keelDir, "cache", "pipeline.bin");
        try
        {
            if (!File.Exists(file)) return null;
            var cached = PipelineCacheCodec.Decode(File.ReadAllBytes(file));
            foreach (var f in cached.Files)
                if (!f.IsCurrent(root)) return null;
            return cached;
        }
        catch (Exception e) when (e is IOException or KeelException or InvalidDataException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <param name="files">The bytes that <paramref name="pipeline"/>, <paramref name="lockEntries"/> and <paramref name="prms"/> were read from (or, for the lock, written as).</param>
    public static void Save(string keelDir, IReadOnlyList<SourceFile> files, PipelineDefinition pipeline, Dictionary<string, LockedStage> lockEntries, Dictionary<string, Dictionary<string, string>> prms)
    {
        var entry = new PipelineCacheFile(files, pipeline, lockEntries, prms);
        var dir = Path.Combine(keelDir, "cache");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "pipeline.bin");
        var temp = file + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temp, PipelineCacheCodec.Encode(entry));
        File.Move(temp, file, overwrite: true);
    }
}
