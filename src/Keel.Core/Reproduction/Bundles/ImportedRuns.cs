using System.Text.Json;

namespace Keel.Reproduction.Bundles;

/// <summary>Where a run's recorded command came from: a bundle (and who signed it), or this workspace's own history.</summary>
public sealed record CodeOrigin(string Source, string? SignedBy, bool SignerTrusted)
{
    /// <summary>Runs recorded in this workspace (or its team's shared store).</summary>
    public static CodeOrigin Workspace { get; } = new("workspace", null, false);

    public bool FromBundle => Source != "workspace";

    public override string ToString() => !FromBundle ? "this workspace's history"
        : SignedBy is null ? $"bundle {Source}, unsigned"
        : $"bundle {Source}, signed by {SignedBy}{(SignerTrusted ? " (a key you trust)" : " (a key you do not trust)")}";
}

/// <summary>
/// Remembers which runs arrived through <c>keel bundle import</c>, one file per import under
/// <c>.keel/imported/</c>, written before the runs are appended so that no imported run is ever
/// taken for the workspace's own. Reproduce and verify read it to decide what runs sandboxed.
/// </summary>
internal static class ImportedRuns
{
    public const string Folder = "imported";

    public static void Record(string keelDir, string bundle, string? signedBy, bool signerTrusted, IEnumerable<string> runIds)
    {
        var dir = Path.Combine(keelDir, Folder);
        Directory.CreateDirectory(dir);
        var entry = new ImportRecord(Path.GetFileName(bundle), signedBy, signerTrusted, runIds.Distinct(StringComparer.Ordinal).ToList());
        var file = Path.Combine(dir, $"{Guid.NewGuid():N}.json");
        var temp = file + ".tmp";
        using (var s = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            JsonSerializer.Serialize(s, entry, BundleJson.Options);
            s.Flush(flushToDisk: true);
        }
        File.Move(temp, file);
    }

    /// <summary>Run id to origin, for every imported run; a run missing here is the workspace's own.</summary>
    public static Dictionary<string, CodeOrigin> Load(string keelDir)
    {
        var origins = new Dictionary<string, CodeOrigin>(StringComparer.Ordinal);
        var dir = Path.Combine(keelDir, Folder);
        if (!Directory.Exists(dir)) return origins;
        foreach (var file in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            ImportRecord? e;
            try
            {
                e = JsonSerializer.Deserialize<ImportRecord>(File.ReadAllBytes(file), BundleJson.Options);
            }
            catch (JsonException)
            {
                throw new KeelException($"{file} does not parse; it records which runs came from a bundle, so reproduce and verify cannot tell what to sandbox. Restore it or re-import the bundle");
            }
            if (e is null) continue;
            foreach (var run in e.Runs) origins.TryAdd(run, new CodeOrigin(e.Bundle, e.SignedBy, e.SignerTrusted));
        }
        return origins;
    }
}

/// <summary>One import's entry in <c>.keel/imported/</c>.</summary>
internal sealed record ImportRecord(string Bundle, string? SignedBy, bool SignerTrusted, IReadOnlyList<string> Runs);
