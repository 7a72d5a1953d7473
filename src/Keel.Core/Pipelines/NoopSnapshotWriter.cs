using System.IO.Enumeration;
using Keel.Datasets;
using Keel.Metadata;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Pipelines;

/// <summary>
/// Writes the <see cref="NoopSnapshot"/> at the end of a successful run, after proving it: every
/// dependency and output is stat-ed once, its digest is taken from the stat cache for exactly
/// that stat (a file not in the cache, or recorded within its racy window, means no snapshot),
/// and every stage's recipe is recomputed from those digests and the params the run read and
/// compared with keel.lock. So the snapshot says "if the workspace still looks like this, every
/// stage is skipped" whatever happened while the run was going on.
/// </summary>
internal sealed class NoopSnapshotWriter
{
    private readonly Workspace _ws;
    private readonly Dictionary<string, StatRecord> _stats = new(StringComparer.Ordinal);

    private NoopSnapshotWriter(Workspace ws) => _ws = ws;

    /// <summary>Writes the snapshot; returns null, or why it was not written (for KEEL_TRACE).</summary>
    public static string? TryWrite(Workspace ws, PipelineGraph graph, IReadOnlyDictionary<string, LockedStage> lockEntries, ParamsReader prms, IReadOnlyList<SourceFile> sources)
    {
        if (!PathStat.IsAvailable) return "no statx on this platform";
        try
        {
            return new NoopSnapshotWriter(ws).Write(graph, lockEntries, prms, sources);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KeelException or InvalidDataException)
        {
            return e.Message;
        }
    }

    private string? Write(PipelineGraph graph, IReadOnlyDictionary<string, LockedStage> lockEntries, ParamsReader prms, IReadOnlyList<SourceFile> sources)
    {
        var stages = new List<LockedRecipe>();
        foreach (var declared in graph.Order)
        {
            var stage = CommandInterpolation.Resolve(declared, graph.Pipeline.VarsFiles, prms);
            if (stage.Deps.Any(d => d.DatasetRef is not null)) return $"stage '{stage.Name}' reads a dataset version, which only the metadata store can resolve";
            if (!lockEntries.TryGetValue(stage.Name, out var locked)) return $"stage '{stage.Name}' is not in keel.lock";
            var inputs = new List<TreeDigest>();
            foreach (var dep in stage.Deps)
            {
                if (Capture(dep.Path) is not { } d) return $"'{dep.Path}' is not settled in the stat cache";
                inputs.Add(d);
            }
            var recipe = new Recipe(stage.Name, stage.Command, inputs,
                stage.Params.Select(p => new KeyValuePair<string, string>($"{p.File}:{p.Key}", prms.Get(p))).ToList(),
                stage.Seed, stage.Outs, Recipe.CurrentEnvironmentLock).Digest;
            if (recipe != locked.Recipe) return $"stage '{stage.Name}' has a recipe other than keel.lock's";
            foreach (var o in locked.Outs)
            {
                if (Capture(o.Path)?.Digest != o.Digest) return $"output '{o.Path}' differs from keel.lock or is not settled in the stat cache";
            }
            stages.Add(new LockedRecipe(stage.Name, recipe));
        }
        var config = SourceFile.Read(Path.Combine(_ws.KeelDir, "config.yaml"), $"{Workspace.DirName}/config.yaml");
        // One group per core: the check stats each group on a thread of its own.
        var records = _stats.Values.ToArray();
        var size = Math.Max(1, (records.Length + Environment.ProcessorCount - 1) / Environment.ProcessorCount);
        var groups = new List<StatRecord[]>();
        for (var i = 0; i < records.Length; i += size) groups.Add(records[i..Math.Min(records.Length, i + size)]);
        new NoopSnapshot { Files = [.. sources, config], StatGroups = groups, Stages = stages }.Save(_ws.KeelDir);
        return null;
    }

    /// <summary>A path's digest as TreeSnapshot.Capture computes it, from stat-cache digests only; null if any file is missing from the cache or racy.</summary>
    private TreeDigest? Capture(string relative)
    {
        var full = _ws.FullPath(relative);
        // The folder is stat-ed before it is listed: an entry added after the stat changes its mtime.
        if (Stat(relative, full) is not { } st) return null;
        if (st.IsFile)
            return Lookup(relative, st) is { } digest ? new TreeDigest(relative, digest, TreeKind.File, 1, st.Size) : null;
        if (!st.IsDirectory) return null;
        foreach (var dir in Subdirectories(full, relative))
        {
            if (Stat(dir.Relative, dir.Full) is null) return null;
        }
        var files = TreeScanner.Scan(full, relative);
        var entries = new List<ManifestEntry>(files.Count);
        var prefix = relative.Length + 1;
        foreach (var f in files)
        {
            if (Stat(f.Relative, f.Full) is not { IsFile: true } fs || Lookup(f.Relative, fs) is not { } digest) return null;
            entries.Add(new ManifestEntry(f.Relative[prefix..], fs.Size, ModeOf(fs), digest));
        }
        var manifest = Manifest.Create(entries);
        return new TreeDigest(relative, ContentHasher.Hash(manifest.Serialize()), TreeKind.Directory, entries.Count, entries.Sum(e => e.Size));
    }

    private PathStat? Stat(string relative, string full)
    {
        if (PathStat.Of(full) is not { } st) return null;
        // Racy, as git calls it: written so recently that a second write in the same clock tick
        // could leave size and mtime as they are (the stat cache refuses such files too).
        var nowNs = _ws.Time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
        if (nowNs - st.MtimeNs < (long)StatCache.RacyWindow.TotalMilliseconds * 1_000_000) return null;
        if (_stats.TryGetValue(relative, out var seen) && seen.Stat != st) return null;
        _stats[relative] = new StatRecord(relative, st);
        return st;
    }

    private Digest? Lookup(string relative, PathStat st) =>
        _ws.StatCache.Lookup(relative, new FileStat(st.Size, st.MtimeNs, st.Inode, (int)(st.Mode & 0xFFF), st.CtimeNs));

    // As the Snapshotter records modes in manifests: executable or not.
    private static int ModeOf(PathStat st) => new FileStat(st.Size, st.MtimeNs, st.Inode, (int)(st.Mode & 0xFFF)).IsExecutable ? 0b111_101_101 : 0b110_100_100;

    /// <summary>The folders TreeScanner descends into: not .keel, .git or symlinked folders.</summary>
    private static IEnumerable<ScannedFile> Subdirectories(string fullDir, string relativeDir)
    {
        var prefixLength = fullDir.TrimEnd(Path.DirectorySeparatorChar).Length + 1;
        return new FileSystemEnumerable<ScannedFile>(
            fullDir,
            (ref FileSystemEntry entry) =>
            {
                var full = entry.ToFullPath();
                return new ScannedFile(relativeDir + "/" + full[prefixLength..].Replace(Path.DirectorySeparatorChar, '/'), full);
            },
            new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = static (ref FileSystemEntry entry) => IsDescended(ref entry),
            ShouldRecursePredicate = static (ref FileSystemEntry entry) => IsDescended(ref entry),
        };
    }

    private static bool IsDescended(ref FileSystemEntry entry) =>
        entry.IsDirectory && !(entry.FileName is ".keel" or ".git") && (entry.Attributes & FileAttributes.ReparsePoint) == 0;
}
