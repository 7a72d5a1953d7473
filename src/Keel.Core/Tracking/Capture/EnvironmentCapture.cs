using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Keel.Objects;

namespace Keel.Tracking.Capture;

/// <summary>
/// Describes the machine and runtime a run executes on as canonical JSON (keys sorted at
/// every level, no whitespace), stored as an object: identical environments share a digest.
/// </summary>
public static class EnvironmentCapture
{
    /// <summary>Environment variables recorded by exact name.</summary>
    public static readonly IReadOnlyList<string> AllowedVariables =
        ["LANG", "LC_ALL", "LC_NUMERIC", "TZ", "CUDA_VISIBLE_DEVICES", "PYTHONHASHSEED", "KEEL_SEED", "TieredCompilation"];

    /// <summary>Environment variables recorded by prefix (they change numerics or threading).</summary>
    public static readonly IReadOnlyList<string> AllowedPrefixes = ["DOTNET_", "COMPlus_", "OMP_", "MKL_", "OPENBLAS_"];

    /// <summary>Builds the description; <paramref name="depsJson"/> is the program's deps.json, when known.</summary>
    public static SortedDictionary<string, object?> Describe(string? depsJson)
    {
        var env = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["os"] = RuntimeInformation.OSDescription,
            ["os_arch"] = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            ["kernel"] = ReadTrimmed("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.VersionString,
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["runtime_identifier"] = RuntimeInformation.RuntimeIdentifier,
            ["cpu_model"] = CpuModel(),
            ["instruction_sets"] = InstructionSets.Supported(),
            ["logical_cores"] = Environment.ProcessorCount,
            ["memory_bytes"] = MemoryBytes(),
            ["culture"] = CultureInfo.CurrentCulture.Name,
            ["ui_culture"] = CultureInfo.CurrentUICulture.Name,
            ["time_zone"] = TimeZoneInfo.Local.Id,
            ["variables"] = Variables(),
            ["packages"] = depsJson is not null && File.Exists(depsJson) ? Packages(depsJson) : null,
            ["deps_json"] = depsJson is not null && File.Exists(depsJson) ? Path.GetFileName(depsJson) : null,
        };
        return env;
    }

    /// <summary>Stores the canonical JSON and returns its digest.</summary>
    public static Digest Store(IObjectStore objects, string? depsJson) => StoreDescription(objects, Describe(depsJson));

    /// <summary>Stores a description made earlier with <see cref="Describe"/> and returns its digest.</summary>
    public static Digest StoreDescription(IObjectStore objects, SortedDictionary<string, object?> description)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(description));
        var digest = ContentHasher.Hash(bytes);
        objects.Put(digest, bytes);
        return digest;
    }

    /// <summary>The entry assembly's deps.json (the program using the SDK), or null.</summary>
    public static string? EntryDepsJson()
    {
        var location = Assembly.GetEntryAssembly()?.Location;
        return string.IsNullOrEmpty(location) ? null : Path.ChangeExtension(location, ".deps.json");
    }

    /// <summary>For a command: <c>dotnet app.dll</c> or an apphost next to <c>app.deps.json</c>.</summary>
    public static string? DepsJsonForCommand(IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0) return null;
        var candidates = new List<string>();
        if (Path.GetFileName(command[0]) == "dotnet" && command.Count > 1 && command[1].EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            candidates.Add(Path.ChangeExtension(command[1], ".deps.json"));
        if (command[0].Contains('/', StringComparison.Ordinal))
            candidates.Add(Path.ChangeExtension(command[0], null) + ".deps.json");
        return candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists);
    }

    private static SortedDictionary<string, string> Packages(string depsJson)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(depsJson));
        if (!doc.RootElement.TryGetProperty("libraries", out var libraries)) return result;
        foreach (var lib in libraries.EnumerateObject())
        {
            var type = lib.Value.TryGetProperty("type", out var t) ? t.GetString() : null;
            var slash = lib.Name.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0) continue;
            result[lib.Name[..slash]] = lib.Name[(slash + 1)..] + (type == "package" ? "" : $" ({type})");
        }
        return result;
    }

    private static SortedDictionary<string, string> Variables()
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            var name = (string)e.Key;
            if (AllowedVariables.Contains(name) || AllowedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                result[name] = (string?)e.Value ?? "";
        }
        return result;
    }

    private static string? CpuModel()
    {
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) || line.StartsWith("Model", StringComparison.Ordinal))
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }
        return null;
    }

    private static long MemoryBytes()
    {
        if (File.Exists("/proc/meminfo"))
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts is { Length: >= 2 } && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var kb)) return kb * 1024;
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    private static string? ReadTrimmed(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
}
