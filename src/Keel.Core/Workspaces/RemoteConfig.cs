using System.Text.RegularExpressions;

namespace Keel.Workspaces;

/// <summary>Edits the <c>remotes:</c> section of <c>.keel/config.yaml</c> in place, keeping the user's comments and layout.</summary>
internal static partial class RemoteConfig
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NameRule();

    /// <summary>Adds a remote; refuses a bad name or one already taken.</summary>
    public static void Add(string configFile, string name, string uri)
    {
        if (!NameRule().IsMatch(name))
            throw new KeelException($"remote name '{name}' is not valid; use letters, digits, '.', '_' or '-'");
        if (uri.Any(char.IsWhiteSpace) || uri.Contains('#', StringComparison.Ordinal))
            throw new KeelException($"remote URI '{Backends.Redact(uri)}' must not contain spaces or '#'");
        var text = File.Exists(configFile) ? File.ReadAllText(configFile) : WorkspaceConfig.DefaultText;
        var current = File.Exists(configFile) ? WorkspaceConfig.Load(configFile) : WorkspaceConfig.Default;
        if (current.Remotes.ContainsKey(name))
            throw new KeelException($"a remote named '{name}' already exists in {configFile}; pick another name or edit the file");
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        var entry = $"  {name}: '{uri.Replace("'", "''", StringComparison.Ordinal)}'";
        var at = lines.FindIndex(l => l.StartsWith("remotes:", StringComparison.Ordinal));
        if (at < 0)
        {
            while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
            lines.Add("remotes:");
            lines.Add(entry);
            lines.Add("");
        }
        else
        {
            if (lines[at].Trim() != "remotes:")
                throw new KeelException($"{configFile}: write 'remotes:' as a block mapping (one '  name: uri' per line) so keel can add to it");
            lines.Insert(at + 1, entry);
        }
        var temp = configFile + ".tmp";
        File.WriteAllText(temp, string.Join('\n', lines));
        WorkspaceConfig.Load(temp); // never leave a config keel cannot read
        File.Move(temp, configFile, overwrite: true);
    }
}
