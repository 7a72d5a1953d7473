using System.Text;

namespace Keel.Pipelines;

/// <summary>
/// Where a stage runs: a shadow of the workspace in which every entry is a symlink to the
/// real one, except the stage's declared outputs (and the folders leading to them), which
/// are real and empty. The stage's writes to its outputs land here; they move into the
/// workspace only when the stage succeeds, under a journal, so a kill leaves the workspace
/// with the old outputs or the new ones, never half of either.
/// </summary>
internal sealed class StageSandbox : IDisposable
{
    private const string JournalName = "commit.journal";

    private readonly string _workspaceRoot;
    private readonly IReadOnlyList<string> _outs;
    private readonly List<string> _placed = [];

    private StageSandbox(string workspaceRoot, string dir, IReadOnlyList<string> outs)
    {
        _workspaceRoot = workspaceRoot;
        Dir = dir;
        _outs = outs;
    }

    /// <summary>The sandbox folder (holding tree/, old/ and the journal).</summary>
    public string Dir { get; }

    /// <summary>The working directory the stage's command runs in.</summary>
    public string Tree => Path.Combine(Dir, "tree");

    public static string StagesDir(string keelDir) => Path.Combine(keelDir, "stages");

    public static StageSandbox Create(string workspaceRoot, string keelDir, string id, IReadOnlyList<string> outs)
    {
        var dir = Path.Combine(StagesDir(keelDir), id);
        var sandbox = new StageSandbox(workspaceRoot, dir, outs);
        Directory.CreateDirectory(sandbox.Tree);
        sandbox.Shadow("");
        StageLaunch.CreateOutputParents(sandbox.Tree, outs);
        return sandbox;
    }

    public string InTree(string relative) => Path.Combine(Tree, relative.Replace('/', Path.DirectorySeparatorChar));

    private string InWorkspace(string relative) => Path.Combine(_workspaceRoot, relative.Replace('/', Path.DirectorySeparatorChar));

    private void Shadow(string relDir)
    {
        var source = relDir.Length == 0 ? _workspaceRoot : InWorkspace(relDir);
        if (!Directory.Exists(source)) return;
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var rel = relDir.Length == 0 ? entry.Name : relDir + "/" + entry.Name;
            if (_outs.Contains(rel)) continue;
            if (_outs.Any(o => PipelineGraph.IsInside(o, rel)))
            {
                if (entry is DirectoryInfo && entry.LinkTarget is null)
                {
                    Directory.CreateDirectory(InTree(rel));
                    Shadow(rel);
                }
                continue;
            }
            File.CreateSymbolicLink(InTree(rel), entry.FullName);
        }
    }

    /// <summary>
    /// Puts an input the workspace does not hold at its path in the tree (a dataset version
    /// other than the one checked out there), in place of the link to the workspace's copy. The
    /// folders on the way become real shadows, as for outputs; the input is never committed.
    /// </summary>
    public void PlaceInput(string relative, Action<string> materialize)
    {
        var parts = relative.Split('/');
        var rel = "";
        for (var i = 0; i < parts.Length - 1; i++)
        {
            rel = rel.Length == 0 ? parts[i] : rel + "/" + parts[i];
            var dir = new DirectoryInfo(InTree(rel));
            if (dir.LinkTarget is not null)
            {
                File.Delete(dir.FullName);
                Directory.CreateDirectory(dir.FullName);
                Shadow(rel);
            }
            else if (!dir.Exists)
            {
                Directory.CreateDirectory(dir.FullName);
            }
        }
        var target = new FileInfo(InTree(relative));
        if (target.LinkTarget is not null || target.Exists) target.Delete();
        _placed.Add(relative);
        materialize(target.FullName);
    }

    /// <summary>Real files or folders the stage created that are not declared outputs.</summary>
    public IReadOnlyList<string> UndeclaredWrites()
    {
        var found = new List<string>();
        void Walk(string relDir)
        {
            var dir = relDir.Length == 0 ? Tree : InTree(relDir);
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null) continue;
                var rel = relDir.Length == 0 ? entry.Name : relDir + "/" + entry.Name;
                if (_outs.Contains(rel) || _placed.Contains(rel)) continue;
                if (entry is DirectoryInfo && (_outs.Any(o => PipelineGraph.IsInside(o, rel)) || _placed.Any(p => PipelineGraph.IsInside(p, rel)))) Walk(rel);
                else if (entry is DirectoryInfo && !Directory.EnumerateFileSystemEntries(entry.FullName).Any()) continue;
                else found.Add(rel);
            }
        }
        Walk("");
        return found;
    }

    /// <summary>Moves the outputs into the workspace under a journal (see <see cref="Recover"/>).</summary>
    public void Commit()
    {
        var journal = Path.Combine(Dir, JournalName);
        var temp = journal + ".tmp";
        File.WriteAllText(temp, string.Join('\n', _outs), Encoding.UTF8);
        File.Move(temp, journal, overwrite: true);
        RollForward(_workspaceRoot, Dir, _outs);
        File.Delete(journal);
    }

    private static void RollForward(string workspaceRoot, string dir, IEnumerable<string> outs)
    {
        foreach (var o in outs)
        {
            var fresh = Path.Combine(dir, "tree", o.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(fresh) && !Directory.Exists(fresh)) continue; // already moved
            var target = Path.Combine(workspaceRoot, o.Replace('/', Path.DirectorySeparatorChar));
            var old = Path.Combine(dir, "old", o.Replace('/', Path.DirectorySeparatorChar));
            if (File.Exists(target) || Directory.Exists(target))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(old)!);
                if (File.Exists(old) || Directory.Exists(old)) DeletePath(old);
                Move(target, old);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Move(fresh, target);
        }
    }

    /// <summary>
    /// After a killed run: finishes any commit that had started (its journal exists) and
    /// discards every other sandbox, whose outputs never reached the workspace.
    /// </summary>
    public static int Recover(string workspaceRoot, string keelDir)
    {
        var stages = StagesDir(keelDir);
        if (!Directory.Exists(stages)) return 0;
        var recovered = 0;
        foreach (var dir in Directory.EnumerateDirectories(stages))
        {
            var journal = Path.Combine(dir, JournalName);
            if (File.Exists(journal))
            {
                RollForward(workspaceRoot, dir, File.ReadAllText(journal).Split('\n', StringSplitOptions.RemoveEmptyEntries));
                recovered++;
            }
            DeletePath(dir);
        }
        return recovered;
    }

    private static void Move(string from, string to)
    {
        if (Directory.Exists(from)) Directory.Move(from, to);
        else File.Move(from, to);
    }

    private static void DeletePath(string path)
    {
        if (Directory.Exists(path))
        {
            // Symlinks inside are removed as links; their targets are never followed.
            foreach (var f in new DirectoryInfo(path).EnumerateFileSystemInfos("*", SearchOption.TopDirectoryOnly))
            {
                if (f.LinkTarget is not null || f is FileInfo) f.Delete();
                else DeletePath(f.FullName);
            }
            Directory.Delete(path);
        }
        else if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    public void Dispose()
    {
        try
        {
            DeletePath(Dir);
        }
        catch (IOException)
        {
            // A leftover sandbox is cleaned by the next run's Recover.
        }
    }
}
