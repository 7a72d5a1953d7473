using System.Text;
using System.Text.RegularExpressions;

namespace Keel.Pipelines;

/// <summary>
/// Puts param values into a stage's command: <c>${train.trees}</c> is looked up in the
/// <c>vars:</c> files keel.yaml names, then in the params files the stage declares, then in
/// params.yaml (inline <c>vars:</c> and foreach values were put in when keel.yaml was read).
/// The command that runs, is recorded and keys the recipe carries the values, and each
/// value read from a file joins the stage's params, so a changed value re-runs the stage.
/// An upper-case name no file defines (<c>${HOME}</c>, <c>${KEEL_SEED}</c>) is left for the
/// shell; <c>\${x}</c> is passed to the shell as <c>${x}</c>.
/// </summary>
internal static partial class CommandInterpolation
{
    /// <summary>The stage with its command resolved and the params it read added (the stage itself when its command has no <c>${...}</c>).</summary>
    public static StageDefinition Resolve(StageDefinition stage, IReadOnlyList<string> varsFiles, ParamsReader reader)
    {
        if (!stage.Command.Contains("${", StringComparison.Ordinal)) return stage;
        foreach (var file in varsFiles)
        {
            if (!reader.Exists(file))
                throw new PipelineException(stage.At, $"stage '{stage.Name}': the vars file '{file}' does not exist", "create it, or remove it from vars:");
        }
        var used = new List<ParamRef>();
        var command = Placeholder().Replace(stage.Command, m =>
        {
            if (m.Groups[1].Length > 0) return m.Value[1..];
            var key = m.Groups[2].Value;
            foreach (var file in Sources(stage, varsFiles))
            {
                var p = new ParamRef(file, key, stage.At);
                if (reader.TryGet(p) is not { } value) continue;
                if (!used.Contains(p)) used.Add(p);
                return value;
            }
            if (ShellVariable().IsMatch(key)) return m.Value;
            throw new PipelineException(stage.At, $"stage '{stage.Name}': '${{{key}}}' in cmd is not a key of {string.Join(", ", Sources(stage, varsFiles))} or vars:",
                $"add '{key}' to one of them (a nested key is written a.b), or write \\${{{key}}} to leave it to the shell");
        });
        var prms = stage.Params.ToList();
        foreach (var p in used)
            if (!prms.Any(x => x.File == p.File && x.Key == p.Key)) prms.Add(p);
        return stage with { Command = command, Params = prms };
    }

    private static IEnumerable<string> Sources(StageDefinition stage, IReadOnlyList<string> varsFiles) =>
        varsFiles.Concat(stage.Params.Select(p => p.File)).Append(PipelineParser.DefaultParamsFile).Distinct(StringComparer.Ordinal);

    /// <summary>Leaves <c>${...}</c> placeholders a parse-time pass could not fill, for <see cref="Resolve"/>.</summary>
    internal static string Fill(string text, IReadOnlyDictionary<string, string> vars)
    {
        if (vars.Count == 0 || !text.Contains("${", StringComparison.Ordinal)) return text;
        var sb = new StringBuilder();
        var last = 0;
        foreach (Match m in Placeholder().Matches(text))
        {
            sb.Append(text, last, m.Index - last);
            sb.Append(m.Groups[1].Length == 0 && vars.TryGetValue(m.Groups[2].Value, out var v) ? v : m.Value);
            last = m.Index + m.Length;
        }
        return sb.Append(text, last, text.Length - last).ToString();
    }

    [GeneratedRegex(@"(\\?)\$\{([A-Za-z0-9_.]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[A-Z_][A-Z0-9_]*$")]
    private static partial Regex ShellVariable();
}
