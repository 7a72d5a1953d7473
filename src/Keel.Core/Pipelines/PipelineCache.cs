using Keel.Objects;

namespace Keel.Pipelines;

/// <summary>A file's identity for the cache: any change of size, mtime or inode invalidates it.</summary>
internal sealed record FileFingerprint(string Path, long Size, long MtimeNs, ulong Inode)
{
    public static FileFingerprint Of(string root, string path) =>
        FileStat.Of(System.IO.Path.Combine(root, path)) is { } st
            ? new FileFingerprint(path, st.Size, st.MtimeNs, st.Inode)
            : new FileFingerprint(path, -1, 0, 0);
}

/// <summary>What a no-op <c>keel run</c> needs from YAML files: the pipeline, the lock and the params values.</summary>
internal sealed record PipelineCacheFile(
    IReadOnlyList<FileFingerprint> Files,
    PipelineDefinition Pipeline,
    Dictionary<string, LockedStage> Lock,
    Dictionary<string, Dictionary<string, string>> Params);

/// <summary>
/// keel.yaml, keel.lock and params files, parsed once and kept in <c>.keel/cache/pipeline.bin</c>
/// while none of them changes (size, mtime, inode). Parsing YAML costs a process tens of
/// milliseconds on first use; a no-op run should cost little more than start-up.
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
                if (FileFingerprint.Of(root, f.Path) != f) return null;
            return cached;
        }
        catch (Exception e) when (e is IOException or KeelException or InvalidDataException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    public static void Save(string root, string keelDir, PipelineDefinition pipeline, Dictionary<string, LockedStage> lockEntries, Dictionary<string, Dictionary<string, string>> prms)
    {
        var files = new List<string> { PipelineRunner.PipelineFile, LockFile.FileName };
        files.AddRange(prms.Keys);
        var entry = new PipelineCacheFile(files.Select(f => FileFingerprint.Of(root, f)).ToList(), pipeline, lockEntries, prms);
        var dir = Path.Combine(keelDir, "cache");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "pipeline.bin");
        var temp = file + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temp, PipelineCacheCodec.Encode(entry));
        File.Move(temp, file, overwrite: true);
    }
}
