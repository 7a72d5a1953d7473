using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Workspaces;

namespace Keel.Cli;

/// <summary>What every command shares: the workspace, JSON output, and error reporting.</summary>
internal static class CliContext
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "show stack traces and diagnostics", Recursive = true };

    public static Option<bool> JsonOption() => new("--json") { Description = "print one JSON document on stdout and nothing else there" };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static TimeProvider Time => TimeProvider.System;

    public static string Cwd => Directory.GetCurrentDirectory();

    public static Workspace OpenWorkspace()
    {
        var ws = Workspace.Find(Cwd, Time);
        Diagnostics.Trace("workspace opened");
        return ws;
    }

    public static void WriteJson(object value) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    public static int Report(Exception e, bool verbose)
    {
        var (message, code) = e switch
        {
            KeelException k => (k.Message, k.ExitCode),
            OperationCanceledException => ("interrupted; nothing was recorded", 130),
            UnauthorizedAccessException u => ($"permission denied: {u.Message}", ExitCodes.Usage),
            IOException io => ($"I/O error: {io.Message}", ExitCodes.Usage),
            _ => ($"internal error: {e.Message} (rerun with --verbose and report it)", 70),
        };
        Console.Error.WriteLine($"keel: {message}");
        if (verbose) Console.Error.WriteLine(e);
        return code;
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1 << 20 => $"{bytes / 1024.0:0.0} KiB",
        < 1 << 30 => $"{bytes / (double)(1 << 20):0.0} MiB",
        _ => $"{bytes / (double)(1L << 30):0.00} GiB",
    };
}
