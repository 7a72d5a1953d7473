using System.Diagnostics;
using System.Text.Json;
using Keel.Cli.Tests.Pipelines;
using Keel.Cli.Tests.Reproduction;

namespace Keel.Cli.Tests.Acceptance;

/// <summary>
/// A project Keel's authors did not write, in a temp folder: a git repository with its own
/// files and keel.yaml, a Keel workspace and its own KEEL_HOME. The shapes are built by
/// <see cref="ProjectShapes"/>; tests drive the real <c>keel</c> through each promise. Helpers
/// here are meant to be reused by every acceptance check (metrics, datasets, fsck, ...).
/// </summary>
internal sealed class AcceptanceProject : IDisposable
{
    private readonly string _temp;

    public AcceptanceProject(string shape)
    {
        _temp = Directory.CreateTempSubdirectory($"keel-accept-{shape}-").FullName;
        Root = Path.Combine(_temp, "project");
        Directory.CreateDirectory(Root);
        Cli = new ReproCli(Path.Combine(_temp, "home"));
        Directory.CreateDirectory(Cli.Home);
    }

    /// <summary>The project (git repository and Keel workspace).</summary>
    public string Root { get; }

    /// <summary>Runs keel with this project's KEEL_HOME.</summary>
    public ReproCli Cli { get; }

    /// <summary>A new folder beside the project (clones, recoveries, second workspaces).</summary>
    public string Beside(string name)
    {
        var path = Path.Combine(_temp, name);
        Assert.False(Directory.Exists(path), $"{path} is already used");
        return path;
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void Write(string relative, string text)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Runs keel in the project.</summary>
    public CliResult Keel(params string[] args) => Cli.Run(Root, args);

    /// <summary>Runs keel in the project and fails the test unless it exits 0.</summary>
    public CliResult KeelOk(params string[] args)
    {
        var r = Keel(args);
        Assert.True(r.ExitCode == 0, $"keel {string.Join(' ', args)}: {r}");
        return r;
    }

    /// <summary><c>keel run --json</c>: each stage's state by name.</summary>
    public Dictionary<string, string> Run(params string[] args)
    {
        var r = KeelOk(["run", "--json", .. args]);
        return ReproCli.Json(r).GetProperty("stages").EnumerateArray()
            .ToDictionary(s => s.GetProperty("stage").GetString()!, s => s.GetProperty("state").GetString()!);
    }

    /// <summary>Runs a bash script in the project (or <paramref name="cwd"/>) and fails the test when it fails.</summary>
    public void Sh(string script, string? cwd = null) => ReproCli.Sh(cwd ?? Root, script);

    /// <summary>Commits everything git does not ignore.</summary>
    public void Commit(string message) => Sh($"git add -A && git -c user.name=t -c user.email=t@t commit -qm '{message}'");

    /// <summary>A fresh clone of the committed code: no gitignored data, outputs or .keel.</summary>
    public string CleanClone(string name = "clone")
    {
        var target = Beside(name);
        Sh($"git clone -q '{Root}' '{target}'");
        return target;
    }

    /// <summary>Writes files, runs keel init, makes the folder a git repository and commits it.</summary>
    public void Create(string keelYaml, IEnumerable<(string Path, string Text)> files, string gitignore)
    {
        Write("keel.yaml", keelYaml);
        foreach (var (path, text) in files) Write(path, text);
        Write(".gitignore", gitignore);
        KeelOk("init");
        Sh("git init -q -b main");
        Commit("a project keel did not write");
    }

    /// <summary>Runs a recovered replay.sh in <paramref name="checkout"/> with this build's keel.</summary>
    public CliResult Replay(string recovered, string checkout)
    {
        var psi = new ProcessStartInfo("/bin/bash") { WorkingDirectory = checkout, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(recovered, "replay.sh"));
        psi.Environment["KEEL"] = PipelineCli.Binary;
        psi.Environment["KEEL_HOME"] = Cli.Home;
        psi.Environment["KEEL_REPLAY_LOGS"] = Path.Combine(recovered, "logs");
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("replay.sh timed out");
        }
        p.WaitForExit();
        return new CliResult(p.ExitCode, o.Result, e.Result);
    }

    public static JsonElement Json(CliResult r) => ReproCli.Json(r);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
