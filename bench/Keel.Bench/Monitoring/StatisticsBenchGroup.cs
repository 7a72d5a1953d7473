using System.Diagnostics;
using System.Text.Json;

namespace Keel.Bench.Monitoring;

/// <summary>The drift statistics beside SciPy and NumPy on the same sizes, when Debian's python3-scipy is installed.</summary>
internal sealed class StatisticsBenchGroup : IBenchGroup
{
    public string Name => "monitoring";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var keel = StatisticsBench.Run().ToDictionary(r => r.Name, r => r.Seconds);
        var baseline = PythonBaseline(context.Repo);
        foreach (var (name, seconds) in keel)
        {
            var key = name.StartsWith("ks", StringComparison.Ordinal) ? "ks_2samp" : name.StartsWith("psi 1M", StringComparison.Ordinal) ? "psi" : null;
            var target = name.StartsWith("ks", StringComparison.Ordinal) ? "< 100 ms" : name.StartsWith("psi 1M", StringComparison.Ordinal) ? "< 10 ms" : null;
            if (key is not null && baseline is not null && baseline.TryGetValue(key, out var b))
                yield return new Figure(Name, name, seconds * 1000, "ms", key == "ks_2samp" ? "scipy ks_2samp" : "numpy psi", b * 1000, seconds / b, target);
            else
                yield return new Figure(Name, name, seconds * 1000, "ms", "(no scipy here)", 0, 0, target);
        }
    }

    private static Dictionary<string, double>? PythonBaseline(string repo)
    {
        if (!File.Exists("/usr/bin/python3")) return null;
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/python3", Path.Combine(repo, "bench", "monitoring_baseline.py")) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) return null;
            var doc = JsonDocument.Parse(output).RootElement;
            var result = new Dictionary<string, double>();
            foreach (var prop in doc.EnumerateObject())
            {
                if (prop.Value.ValueKind != JsonValueKind.Number) continue;
                if (prop.Name.Contains("ks", StringComparison.OrdinalIgnoreCase)) result["ks_2samp"] = prop.Value.GetDouble();
                else if (prop.Name.Contains("psi", StringComparison.OrdinalIgnoreCase)) result["psi"] = prop.Value.GetDouble();
            }
            return result;
        }
        catch (Exception e) when (e is JsonException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
