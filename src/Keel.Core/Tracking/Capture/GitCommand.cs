using System.Diagnostics;

namespace Keel.Tracking.Capture;

/// <summary>Runs git with a fixed, config-independent output format; bytes in, bytes out.</summary>
internal static class GitCommand
{
    public static (int ExitCode, byte[] Stdout) Run(string directory, params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Output that git apply reads back must not depend on the user's config.
        foreach (var c in new[] { "-c", "core.quotepath=off", "-c", "diff.noprefix=false", "-c", "diff.mnemonicprefix=false", "-c", "color.ui=never" })
            psi.ArgumentList.Add(c);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["LC_ALL"] = "C";
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (127, []);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            using var buffer = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(buffer);
            process.WaitForExit();
            _ = stderr.Result;
            return (process.ExitCode, buffer.ToArray());
        }
    }

    public static string? Text(string directory, params string[] args)
    {
        var (code, output) = Run(directory, args);
        if (code != 0) return null;
        var text = System.Text.Encoding.UTF8.GetString(output).Trim();
        return text.Length == 0 ? null : text;
    }
}
