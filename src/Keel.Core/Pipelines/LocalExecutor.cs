using System.Diagnostics;
using System.Globalization;

namespace Keel.Pipelines;

/// <summary>
/// Runs a stage as <c>bash -c CMD</c> on this machine. stdout and stderr go to log files and,
/// line by line, to the caller. CPU seconds come from the shell's <c>times</c> for its
/// children; peak memory is the largest resident size of the process tree, sampled. The stage
/// is a process group of its own that dies with keel and ends with the stage (see
/// <see cref="ProcessGroups"/>).
/// </summary>
public sealed class LocalExecutor(TimeProvider time) : IStageExecutor
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(100);

    public string Name => "local";

    public async Task<StageOutcome> ExecuteAsync(StageJob job, CancellationToken cancellationToken)
    {
        var timesFile = job.StdoutPath + ".times";
        var psi = new ProcessStartInfo("/bin/bash")
        {
            WorkingDirectory = job.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        ProcessGroups.Supervise(psi, ProcessGroups.SupervisorPrologue
            + "/bin/bash -c \"$KEEL_STAGE_CMD\" & wait $!; rc=$?; times > \"$KEEL_TIMES_FILE\"; exit $rc");
        foreach (var (k, v) in job.Environment) psi.Environment[k] = v;
        psi.Environment["KEEL_STAGE_CMD"] = job.Command;
        psi.Environment["KEEL_TIMES_FILE"] = timesFile;

        var started = time.GetTimestamp();
        using var process = new Process { StartInfo = psi };
        await using var stdout = new StreamWriter(job.StdoutPath);
        await using var stderr = new StreamWriter(job.StderrPath);
        var gate = new Lock();
        process.OutputDataReceived += (_, e) => Line(e.Data, stdout, false);
        process.ErrorDataReceived += (_, e) => Line(e.Data, stderr, true);
        void Line(string? data, StreamWriter w, bool isError)
        {
            if (data is null) return;
            lock (gate) w.WriteLine(data);
            job.OnLine?.Invoke(data, isError);
        }

        Task exited;
        try
        {
            exited = ProcessGroups.StartOnOwnThread(process);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new StageOutcome(127, false, TimeSpan.Zero, 0, 0, $"cannot start bash: {e.Message}");
        }
        var record = ProcessGroups.Record(job.ProcessRecords, process.Id);
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        long peak = 0;
        using var sampler = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!sampler.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcessTree.ResidentBytes(process.Id));
                try
                {
                    await Task.Delay(SampleEvery, sampler.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);

        var killed = false;
        try
        {
            await exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            killed = true;
            ProcessGroups.Kill(process.Id);
            await exited.ConfigureAwait(false);
        }
        // What the stage left running in the background ends with it (and stops holding its output pipes).
        ProcessGroups.KillGroup(process.Id);
        ProcessGroups.Forget(record);
        await sampler.CancelAsync().ConfigureAwait(false);
        await sampling.ConfigureAwait(false);
        process.WaitForExit(); // flushes the redirected streams
        var wall = time.GetElapsedTime(started);
        var cpu = ReadChildCpu(timesFile);
        var exit = process.ExitCode;
        return new StageOutcome(exit, killed, wall, cpu, peak, null);
    }

    private static double ReadChildCpu(string timesFile)
    {
        try
        {
            if (!File.Exists(timesFile)) return 0;
            var lines = File.ReadAllLines(timesFile);
            File.Delete(timesFile);
            if (lines.Length < 2) return 0;
            return lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(ParseShellTime);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    // bash's `times` prints e.g. 0m1.234s
    private static double ParseShellTime(string text)
    {
        var m = text.IndexOf('m', StringComparison.Ordinal);
        if (m < 0 || !text.EndsWith('s')) return 0;
        var minutes = double.Parse(text[..m], CultureInfo.InvariantCulture);
        var seconds = double.Parse(text[(m + 1)..^1], CultureInfo.InvariantCulture);
        return (minutes * 60) + seconds;
    }
}
