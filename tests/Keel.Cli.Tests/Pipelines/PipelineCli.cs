using System.Diagnostics;
using System.Text.Json;

namespace Keel.Cli.Tests.Pipelines;

/// <summary>What one <c>keel</c> process did.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>One stage of <c>keel run --json</c>.</summary>
internal sealed record StageResult(string Stage, string State, string? RunId, string? Recipe, string? Log, string? Message, IReadOnlyList<string> Warnings);

/// <summary>
/// Drives the real <c>keel</c> binary in a fresh temp workspace (initialised, deleted on
/// dispose), with a second temp folder outside it for markers a stage must not commit.
/// </summary>
internal sealed class PipelineCli : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private static readonly Lazy<string> BuiltBinary = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public PipelineCli(bool init = true)
    {
        Root = Directory.CreateTempSubdirectory("keel-pipe-").FullName;
        Outside = Directory.CreateTempSubdirectory("keel-pipe-outside-").FullName;
        if (init) Check(Run("init"));
    }

    /// <summary>The workspace.</summary>
    public string Root { get; }

    /// <summary>A folder outside the workspace, for side effects a test can observe.</summary>
    public string Outside { get; }

    /// <summary>Extra environment variables for every keel process this starts.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public static string Repo { get; } = FindRepo();

    public static string Binary => BuiltBinary.Value;

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void Write(string relative, string text)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    public byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    public CliResult Run(params string[] args) => RunIn("", args);

    /// <summary>Runs keel from a folder inside the workspace.</summary>
    public CliResult RunIn(string relativeDir, params string[] args)
    {
        using var p = StartIn(Path.Combine(Root, relativeDir), args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"keel {string.Join(' ', args)} did not finish in {Timeout}");
        }
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts keel in the workspace with redirected output; the caller reads and waits.</summary>
    public Process Start(params string[] args) => StartIn(Root, args);

    /// <summary>Starts keel through <paramref name="wrapper"/> (such as <c>nohup</c>, which execs keel in its place).</summary>
    public Process StartUnder(string wrapper, params string[] args) => StartIn(Root, [Binary, .. args], wrapper);

    private Process StartIn(string cwd, string[] args, string? wrapper = null)
    {
        var psi = new ProcessStartInfo(wrapper ?? Binary)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in Environment) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        return p;
    }

    /// <summary><c>keel run --json ARGS</c>: the exit code and each stage's result, by name.</summary>
    public (int ExitCode, Dictionary<string, StageResult> Stages, CliResult Raw) RunJson(params string[] args)
    {
        var r = Run(["run", "--json", .. args]);
        Dictionary<string, StageResult> stages;
        try
        {
            using var doc = JsonDocument.Parse(r.Stdout);
            stages = doc.RootElement.GetProperty("stages").EnumerateArray().Select(s => new StageResult(
                s.GetProperty("stage").GetString()!,
                s.GetProperty("state").GetString()!,
                s.GetProperty("run_id").GetString(),
                s.GetProperty("recipe").GetString(),
                s.GetProperty("log").GetString(),
                s.GetProperty("message").GetString(),
                s.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToList())).ToDictionary(s => s.Stage);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"keel run --json printed no JSON ({e.Message}):\n{r}", e);
        }
        return (r.ExitCode, stages, r);
    }

    /// <summary>Each stage's state from <c>keel run --json</c>, failing on an unexpected exit code.</summary>
    public Dictionary<string, string> States(int expectedExit = 0, params string[] args)
    {
        var (exit, stages, raw) = RunJson(args);
        Assert.True(exit == expectedExit, $"expected exit {expectedExit}:\n{raw}");
        return stages.ToDictionary(kv => kv.Key, kv => kv.Value.State);
    }

    public static CliResult Check(CliResult r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    public void Dispose()
    {
        foreach (var dir in new[] { Root, Outside })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind does not fail a test.
            }
        }
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Keel.slnx above {AppContext.BaseDirectory}");
    }

    private static string Build()
    {
        var psi = new ProcessStartInfo(Path.Combine(Repo, "keel"))
        {
            ArgumentList = { "--version" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"building keel failed:\n{stderr.Result}");
        return Path.Combine(Repo, "artifacts", "keel", "keel");
    }
}
