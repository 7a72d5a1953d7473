using Keel.Metadata;
using Keel.Metadata.Sqlite;
using Keel.Objects;

namespace Keel.Workspaces;

/// <summary>A folder holding <c>.keel/</c>: its configuration, object store and metadata.</summary>
public sealed class Workspace : IDisposable
{
    public const string DirName = ".keel";

    private IMetadataStore? _metadata;
    private StatCache? _statCache;

    private Workspace(string root, WorkspaceConfig config, TimeProvider time)
    {
        Root = root;
        Config = config;
        Time = time;
        Objects = Backends.OpenObjects(new BackendContext(config.Objects, root, time));
    }

    /// <summary>The folder that contains <c>.keel/</c>.</summary>
    public string Root { get; }

    public string KeelDir => Path.Combine(Root, DirName);

    public WorkspaceConfig Config { get; }

    public TimeProvider Time { get; }

    public IObjectStore Objects { get; }

    public IMetadataStore Metadata => _metadata ??= OpenMetadata(Config.Metadata);

    internal StatCache StatCache => _statCache ??= StatCache.Load(Path.Combine(KeelDir, "stat-cache"), Time);

    /// <summary>Saves the stat cache if this process loaded it (never loads it just to save).</summary>
    internal void SaveStatCache() => _statCache?.Save();

    /// <summary>Creates a workspace in <paramref name="directory"/>; refuses if one is already there.</summary>
    public static Workspace Init(string directory, TimeProvider time)
    {
        var root = Path.GetFullPath(directory);
        var keel = Path.Combine(root, DirName);
        if (Directory.Exists(keel))
            throw new KeelException($"{root} is already a Keel workspace ({DirName}/ exists); use it as it is, or remove {DirName}/ to start over");
        Directory.CreateDirectory(root);
        // Build in a temp folder and rename, so a failed init leaves no half workspace.
        var staging = Path.Combine(root, $"{DirName}.init-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(Path.Combine(staging, "objects", "tmp"));
            // gc's and the writers' lock (LocalObjectStore); made on first use in older workspaces.
            File.WriteAllBytes(Path.Combine(staging, "objects", "lock"), []);
            File.WriteAllText(Path.Combine(staging, "config.yaml"), WorkspaceConfig.DefaultText);
            File.WriteAllText(Path.Combine(staging, ".gitignore"), "# Keel's data lives here, not in git.\n*\n!.gitignore\n!config.yaml\n");
            using (new SqliteMetadataStore(Path.Combine(staging, "keel.db")))
            {
            }
            Directory.Move(staging, keel);
        }
        catch (IOException) when (Directory.Exists(keel))
        {
            TryDeleteDirectory(staging);
            throw new KeelException($"{root} is already a Keel workspace ({DirName}/ exists)");
        }
        catch
        {
            TryDeleteDirectory(staging);
            throw;
        }
        return Open(root, time);
    }

    /// <summary>Finds the workspace containing <paramref name="start"/> (walking up) and opens it.</summary>
    public static Workspace Find(string start, TimeProvider time)
    {
        var dir = new DirectoryInfo(Path.GetFullPath(start));
        while (dir is not null)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, DirName))) return Open(dir.FullName, time);
            dir = dir.Parent;
        }
        throw new KeelException($"no Keel workspace in {Path.GetFullPath(start)} or any parent folder; run 'keel init' first");
    }

    public static Workspace Open(string root, TimeProvider time)
    {
        var configFile = Path.Combine(root, DirName, "config.yaml");
        var config = File.Exists(configFile) ? WorkspaceConfig.Load(configFile) : WorkspaceConfig.Default;
        return new Workspace(root, config, time);
    }

    /// <summary>
    /// Turns a user's path (absolute or relative to <paramref name="cwd"/>) into a
    /// workspace-relative, '/'-separated path; refuses paths outside the workspace or inside .keel/.
    /// </summary>
    public string RelativePath(string path, string cwd)
    {
        var full = Path.GetFullPath(Path.Combine(cwd, path)).TrimEnd(Path.DirectorySeparatorChar);
        var rel = Path.GetRelativePath(Root, full);
        // ".." or "../x" is outside; a name like "..data" is an ordinary file inside.
        if (rel is "." or ".." || rel.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(rel))
            throw new KeelException($"'{path}' is outside the workspace {Root}; move it inside or run keel from its own workspace");
        rel = rel.Replace(Path.DirectorySeparatorChar, '/');
        if (rel == DirName || rel.StartsWith(DirName + "/", StringComparison.Ordinal))
            throw new KeelException($"'{path}' is inside {DirName}/, which Keel manages itself");
        return rel;
    }

    public string FullPath(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private IMetadataStore OpenMetadata(string uri) => Backends.OpenMetadata(new BackendContext(uri, Root, Time));

    /// <summary>The executor <c>executor:</c> names, wired to this workspace's object store.</summary>
    public Pipelines.IStageExecutor CreateExecutor() =>
        Backends.CreateExecutor(new BackendContext(Config.Executor, Root, Time, Objects, Config.Objects));

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public void Dispose()
    {
        _statCache?.Save();
        _metadata?.Dispose();
        // Last: a writer stays announced to gc until its metadata is committed and closed.
        (Objects as IDisposable)?.Dispose();
    }
}
