using System.CommandLine;
using System.Reflection;
using Keel.Cli.Commands.Lineage;
using Keel.Reproduction;
using Keel.Reproduction.Attestations;

namespace Keel.Cli.Commands.Reproduction;

/// <summary><c>keel verify REF [--no-reproduce] [-o DIR] [--json]</c></summary>
internal static class VerifyCommand
{
    public static string KeelVersion =>
        typeof(VerifyCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static void AddTo(RootCommand root)
    {
        var reference = new Argument<string>("ref") { Description = "the model or artifact to verify" };
        var noReproduce = new Option<bool>("--no-reproduce") { Description = "check integrity and behaviour tests only" };
        var reportDir = new Option<string?>("--output", "-o", "--report") { Description = "where to write report.json, report.md and the attestation (default: .keel/verify/<digest>/, outside the tracked tree)" };
        var json = CliContext.JsonOption();
        var (trust, timeLimit, memoryLimit) = SandboxOptions.Create();
        var command = new Command("verify", "integrity, behaviour tests and an independent reproduction, with a signed attestation of the result")
        {
            reference, noReproduce, reportDir, json, trust, timeLimit, memoryLimit,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var s = await LineageSession.OpenAsync(ct).ConfigureAwait(false);
            var target = await s.Resolver.ResolveAsync(parse.GetValue(reference)!, null, ct).ConfigureAwait(false);
            // By default under .keel/ (ignored by git), so verifying never leaves the repository dirty.
            var dir = Path.GetFullPath(parse.GetValue(reportDir)
                ?? Path.Combine(s.Workspace.KeelDir, "verify", target.Node.Digest?.Short ?? target.Node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), CliContext.Cwd);
            var quiet = parse.GetValue(json);
            var verifier = new Verifier(s.Workspace, s.Index, KeyStore.Default(), BehaviourTests.Find() ?? new Keel.Models.Testing.RegistryBehaviourTests(), quiet ? null : new SyncProgress())
            {
                Reproduction = SandboxOptions.Read(parse, new ReproduceOptions(null), trust, timeLimit, memoryLimit),
            };
            var r = await verifier.VerifyAsync(target, !parse.GetValue(noReproduce), dir, KeelVersion, ct).ConfigureAwait(false);
            if (quiet)
            {
                CliContext.WriteJson(new { report = r, directory = dir });
                return r.Verdict == "pass" ? ExitCodes.Ok : ExitCodes.CheckFailed;
            }
            Console.WriteLine($"integrity: {(r.IntegrityPassed ? "pass" : "FAIL")} ({r.ObjectsChecked} objects re-hashed, {r.RunsChecked} lineage roots recomputed)");
            foreach (var p in r.IntegrityProblems)
                Console.WriteLine($"  DAMAGED {p.Label} [{p.Kind}] (node {p.Node}): {p.Problem}{(p.Feeds.Count > 0 ? $"; it feeds {string.Join(", ", p.Feeds)}" : "")}");
            Console.WriteLine($"behaviour tests: {r.BehaviourTests.Status}{(r.BehaviourTests.Status is "pass" or "fail" ? $" ({r.BehaviourTests.Passed} passed, {r.BehaviourTests.Failed} failed)" : "")}");
            if (r.Reproduction is { } rep)
            {
                Console.WriteLine($"reproduction: {(rep.Passed ? "pass" : "FAIL")}");
                ReproduceCommand.Print(rep);
            }
            else Console.WriteLine($"reproduction: {(r.ReproductionError is null ? "skipped" : $"ERROR: {r.ReproductionError}")}");
            foreach (var o in r.CodeOrigins) Console.WriteLine($"code: from {o}");
            if (r.Reproduction is not null)
                Console.WriteLine(r.Sandbox is not null ? $"code ran in a sandbox: {r.Sandbox}" : "code ran unconfined");
            foreach (var n in r.Notes) Console.WriteLine($"note: {n}");
            Console.WriteLine($"{(r.Verdict == "pass" ? "VERIFIED" : "NOT VERIFIED")} {r.Subject}; report {Path.Combine(dir, "report.md")}; attestation {r.Attestation}{(r.SignedBy is null ? " (unsigned)" : $" signed by {r.SignedBy}")}");
            return r.Verdict == "pass" ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        root.Subcommands.Add(command);
    }

    private sealed class SyncProgress : IProgress<string>
    {
        public void Report(string value) => Console.WriteLine($"  {value}");
    }
}
