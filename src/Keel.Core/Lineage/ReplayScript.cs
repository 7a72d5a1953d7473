using System.Text;
using System.Text.Json.Nodes;

namespace Keel.Lineage;

/// <summary>
/// <c>replay.sh</c>: restores raw files from a materialized bundle when they are missing or
/// differ, re-runs each build step in order (with its recorded seed as KEEL_SEED) and checks
/// every output's digest with <c>keel hash</c>; exits 1 on any difference.
/// </summary>
public static class ReplayScript
{
    public static string Write(JsonObject bom)
    {
        var sb = new StringBuilder();
        sb.Append("#!/usr/bin/env bash\n");
        sb.Append($"# Replays the build of {bom["subject"]?["label"]} recorded by Keel and checks every output digest.\n");
        sb.Append("# Run it from the workspace checkout (code at the recorded commits), or set KEEL_WORKSPACE.\n");
        sb.Append("# KEEL names the keel command used to hash files (default: keel on PATH).\n");
        sb.Append("set -uo pipefail\n");
        sb.Append("bundle=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n");
        sb.Append("cd \"${KEEL_WORKSPACE:-$PWD}\" || exit 2\n");
        sb.Append("KEEL=\"${KEEL:-keel}\"\nfail=0\n");
        sb.Append("restore() { # path digest: put the recorded bytes back when a materialized copy exists\n");
        sb.Append("  local obj=\"$bundle/objects/${2#blake3:}\"\n");
        sb.Append("  [[ -f \"$obj\" ]] || return 0\n");
        sb.Append("  if [[ ! -e \"$1\" || \"$(\"$KEEL\" hash \"$1\" 2>/dev/null)\" != \"$2\" ]]; then mkdir -p \"$(dirname \"$1\")\"; cp \"$obj\" \"$1\"; chmod u+w \"$1\"; fi\n}\n");
        sb.Append("check() { # path digest\n");
        sb.Append("  local got; got=\"$(\"$KEEL\" hash \"$1\" 2>/dev/null)\" || { echo \"MISSING  $1\"; fail=1; return; }\n");
        sb.Append("  if [[ \"$got\" == \"$2\" ]]; then echo \"ok       $1 $2\"; else echo \"MISMATCH $1: recorded $2, replayed $got\"; fail=1; fi\n}\n");
        foreach (var raw in bom["raw_data"]?.AsArray() ?? [])
        {
            var path = raw?["path"]?.GetValue<string>();
            var digest = raw?["digest"]?.GetValue<string>();
            if (path is not null && digest is not null) sb.Append($"restore {Quote(path)} {digest}\n");
        }
        foreach (var step in bom["build"]?.AsArray() ?? [])
        {
            if (step is null) continue;
            var command = step["command"]?.GetValue<string>();
            sb.Append($"\n# step {step["step"]}: {step["stage"]} (node {step["node"]}, commit {step["git_commit"]?.GetValue<string>() ?? "unknown"})\n");
            if (command is null)
            {
                sb.Append("echo \"step ").Append(step["step"]).Append(": no command was recorded; skipped\"\n");
                continue;
            }
            var seed = step["seed"]?.GetValue<string>();
            sb.Append(seed is null ? "" : $"KEEL_SEED={Quote(seed)} ").Append("bash -c ").Append(Quote(command))
              .Append(" || { echo \"step ").Append(step["step"]).Append(" failed\"; fail=1; }\n");
            foreach (var o in step["outputs"]?.AsArray() ?? [])
            {
                var path = o?["path"]?.GetValue<string>();
                var digest = o?["digest"]?.GetValue<string>();
                if (path is not null && digest is not null) sb.Append($"check {Quote(path)} {digest}\n");
            }
        }
        sb.Append("\nif [[ $fail -eq 0 ]]; then echo \"replay reproduced every recorded digest\"; fi\nexit $fail\n");
        return sb.ToString();
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
