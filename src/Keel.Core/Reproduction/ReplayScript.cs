using System.Globalization;
using System.Text;
using Keel.Pipelines;

namespace Keel.Reproduction;

/// <summary>
/// <c>replay.sh</c>: the plan <c>keel reproduce</c> replays, as a script for a checkout of the
/// code (a fresh clone works): raw inputs restored from the recovered objects, each step
/// prepared as <see cref="StageLaunch"/> prepares it (old outputs removed, their parent folders
/// created, KEEL_STAGE, KEEL_SEED, KEEL_REPRODUCE), and each output compared as reproduce
/// compares it (the stage's recorded <c>compare:</c> rule, <c>exact</c> or <c>model</c> for the
/// subject, reported unchecked otherwise) by the hidden <c>keel replay</c> verbs. A failed step
/// is reported with its exit code, stderr and log, and later steps do not run; exit 1 when a
/// step failed or an output that counts differs or was not produced.
/// </summary>
internal static class ReplayScript
{
    /// <param name="rules">The compare rules of each stage, from the keel.yaml recorded with its code.</param>
    public static string Write(ReproductionPlan plan, long subjectNode, Func<RecordedStep, IReadOnlyList<CompareRule>> rules)
    {
        var sb = new StringBuilder();
        sb.Append("#!/usr/bin/env bash\n");
        sb.Append($"# Replays the build of {plan.Subject.Label} recorded by Keel: the steps 'keel reproduce' replays, prepared and compared as it does.\n");
        sb.Append("# Run it from a checkout of the code at the recorded commit (a fresh clone works), or set KEEL_WORKSPACE.\n");
        sb.Append("# KEEL names the keel command that restores inputs and compares outputs (default: keel on PATH);\n");
        sb.Append("# KEEL_REPLAY_LOGS the folder for the steps' logs (default: a new temp folder).\n");
        sb.Append("set -uo pipefail\n");
        sb.Append("bundle=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n");
        sb.Append("cd \"${KEEL_WORKSPACE:-$PWD}\" || exit 2\n");
        sb.Append("KEEL=\"${KEEL:-keel}\"\nobjects=\"$bundle/objects\"\n");
        sb.Append("logs=\"${KEEL_REPLAY_LOGS:-$(mktemp -d \"${TMPDIR:-/tmp}/keel-replay.XXXXXX\")}\"\nmkdir -p \"$logs\" || exit 2\n");
        sb.Append("fail=0\nstopped=0\n");
        sb.Append("restore() { \"$KEEL\" replay restore --objects \"$objects\" -- \"$1\" \"$2\" || fail=1; }\n");
        sb.Append("check() { \"$KEEL\" replay check --objects \"$objects\" \"$@\" || fail=1; }\n");
        sb.Append("prepare() { local o; for o in \"$@\"; do rm -rf -- \"$o\"; mkdir -p -- \"$(dirname -- \"$o\")\"; done; }\n");
        sb.Append("ended() { # step stage exit-code: reports a failed step with the end of its stderr\n");
        sb.Append("  [[ $3 -eq 0 ]] && return 0\n");
        sb.Append("  local err=\"$logs/$(printf %02d \"$1\")-$2.stderr.log\"\n");
        sb.Append("  echo \"FAILED       step $1 ($2): exit code $3; log: $err\"\n");
        sb.Append($"  tail -n {StageLaunch.TailLines} \"$err\" | sed 's/^/  | /'\n");
        sb.Append("  fail=1; stopped=1; return 1\n}\n");
        foreach (var raw in plan.RawInputs)
            if (raw.Path is not null && raw.Digest is { } d) sb.Append($"restore {Quote(raw.Path)} {d}\n");
        var n = 0;
        foreach (var step in plan.Steps)
        {
            n++;
            var name = Safe(step.Stage);
            sb.Append($"\n# step {n}: {step.Stage} (run {step.RunId}, commit {step.GitCommit ?? "unknown"})\n");
            if (step.Command is null)
            {
                sb.Append($"echo \"step {n} ({Quote(step.Stage)}): no command was recorded; skipped\"\n");
                continue;
            }
            var outputs = step.Outputs.Where(o => o.Path is not null && o.Kind != "log").ToList();
            sb.Append("if [[ $stopped -eq 0 ]]; then\n");
            sb.Append("  prepare");
            foreach (var p in Reproducer.ReplayedOutputs(step)) sb.Append(' ').Append(Quote(p));
            sb.Append('\n');
            sb.Append($"  echo \"step {n} ({step.Stage}): running\"\n  ");
            foreach (var (k, v) in StageLaunch.ReplayEnvironment(step.Stage, step.Seed)) sb.Append(k).Append('=').Append(Quote(v)).Append(' ');
            sb.Append(Keel.Tracking.KeelRunEnvironment.MetricsFile).Append($"=\"$logs/{n:00}-{name}.metrics.jsonl\" ");
            sb.Append("bash -c ").Append(Quote(step.Command))
              .Append($" </dev/null >\"$logs/{n:00}-{name}.stdout.log\" 2>\"$logs/{n:00}-{name}.stderr.log\"\n");
            sb.Append($"  if ended {n} {Quote(name)} $?; then\n");
            var stageRules = rules(step);
            foreach (var o in outputs)
            {
                var rule = stageRules.FirstOrDefault(r => r.Path == o.Path);
                sb.Append("    check --stage ").Append(Quote(step.Stage)).Append(Arguments(rule, o, o.Node == subjectNode))
                  .Append(' ').Append(Quote(o.Path!)).Append(' ').Append(o.Digest?.ToString() ?? "none").Append('\n');
            }
            sb.Append("  fi\nelse\n");
            sb.Append($"  echo \"NOT RUN      step {n} ({step.Stage}): an earlier step failed\"\nfi\n");
        }
        sb.Append("\nif [[ $fail -eq 0 ]]; then echo \"REPLAYED: every step ran and every compared output is within its tolerance (logs: $logs)\"; ");
        sb.Append("else echo \"NOT REPLAYED: see the lines above (logs: $logs)\"; fi\nexit $fail\n");
        return sb.ToString();
    }

    /// <summary>The comparison reproduce makes: the declared rule, else exact (model for a model) for the subject, else none.</summary>
    private static string Arguments(CompareRule? rule, RecordedArtifact output, bool isSubject)
    {
        var method = OutputComparer.MethodFor(rule, output, isSubject);
        var sb = new StringBuilder($" --method {method}");
        if (rule is null) return sb.ToString();
        if (rule.Abs is { } a) sb.Append(" --abs ").Append(a.ToString("R", CultureInfo.InvariantCulture));
        if (rule.Rel is { } r) sb.Append(" --rel ").Append(r.ToString("R", CultureInfo.InvariantCulture));
        foreach (var (k, v) in rule.PerMetricAbs ?? new Dictionary<string, double>())
            sb.Append(" --metric ").Append(Quote($"{k}={v.ToString("R", CultureInfo.InvariantCulture)}"));
        if (rule.Probe is not null) sb.Append(" --probe ").Append(Quote(rule.Probe));
        if (rule.Score is not null) sb.Append(" --score ").Append(Quote(rule.Score));
        return sb.ToString();
    }

    private static string Safe(string s) => string.Concat(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
