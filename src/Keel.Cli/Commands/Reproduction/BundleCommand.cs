using System.CommandLine;
using Keel.Cli.Commands.Lineage;
using Keel.Reproduction.Attestations;
using Keel.Reproduction.Bundles;

namespace Keel.Cli.Commands.Reproduction;

/// <summary><c>keel bundle export REF -o FILE [--no-data]</c> and <c>keel bundle import FILE</c>.</summary>
internal static class BundleCommand
{
    public static void AddTo(RootCommand root)
    {
        var bundle = new Command("bundle", "one portable file with an artifact's lineage, objects, code and attestations");

        var reference = new Argument<string>("ref") { Description = "the model or artifact to export" };
        var output = new Option<string>("--output", "-o") { Description = "the bundle file to write", Required = true };
        var noData = new Option<bool>("--no-data") { Description = "carry digests only for data and models (code diffs and environments are still included)" };
        var json = CliContext.JsonOption();
        var export = new Command("export", "write REF's lineage, objects, code (git bundle + diff) and attestations into one file") { reference, output, noData, json };
        export.SetAction(async (parse, ct) =>
        {
            using var s = await LineageSession.OpenAsync(ct).ConfigureAwait(false);
            var target = await s.Resolver.ResolveAsync(parse.GetValue(reference)!, null, ct).ConfigureAwait(false);
            Diagnostics.Trace("export: resolved");
            var file = Path.GetFullPath(parse.GetValue(output)!, CliContext.Cwd);
            var r = await new BundleExporter(s.Workspace, s.Index, KeyStore.Default()).ExportAsync(target, file, !parse.GetValue(noData), ct).ConfigureAwait(false);
            if (parse.GetValue(json)) CliContext.WriteJson(r);
            else
            {
                foreach (var n in r.Notes) Console.WriteLine($"note: {n}");
                Console.WriteLine($"exported {target.Node.Label} to {r.File}: {r.Entries} entries, {r.Objects} objects, {r.Commits} git bundles, {r.Attestations} attestations, {CliContext.Size(r.Bytes)}"
                    + (r.SignedBy is null ? " (unsigned)" : $", signed by {r.SignedBy}"));
            }
            return ExitCodes.Ok;
        });

        var file = new Argument<string>("file") { Description = "a bundle written by 'keel bundle export'" };
        var importJson = CliContext.JsonOption();
        var import = new Command("import", "validate every digest and signature of a bundle, then add its objects, lineage, code and attestations to this workspace") { file, importJson };
        import.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var r = await new BundleImporter(ws, KeyStore.Default()).ImportAsync(Path.GetFullPath(parse.GetValue(file)!, CliContext.Cwd), ct).ConfigureAwait(false);
            if (parse.GetValue(importJson)) CliContext.WriteJson(r);
            else
            {
                foreach (var n in r.Notes) Console.WriteLine($"note: {n}");
                Console.WriteLine($"imported {r.Subject} ({r.SubjectDigest}): {r.Objects} new objects, {r.Nodes} lineage nodes{(r.AlreadyPresent ? " (its lineage was already here)" : "")}, {r.Commits} git bundles, {r.Attestations} attestations"
                    + (r.SignedBy is null ? "; unsigned" : $"; signed by {r.SignedBy}{(r.SignerTrusted ? " (trusted)" : " (not trusted)")}"));
                foreach (var signer in r.Signers)
                {
                    Console.WriteLine($"signer {signer.KeyId}: {(signer.Trusted ? "trusted" : "NOT trusted")}");
                    Console.WriteLine($"  fingerprint {signer.Fingerprint}");
                    if (signer.PublicKey is not null) Console.WriteLine($"  public key  {signer.PublicKey}");
                    if (signer.TrustCommand is not null)
                        Console.WriteLine($"  to trust it, once its owner confirms this fingerprint to you (not through the bundle): {signer.TrustCommand}");
                }
                Console.WriteLine($"next: keel lineage {r.Subject} | keel verify {r.Subject} | keel reproduce {r.Subject}");
            }
            return ExitCodes.Ok;
        });
        bundle.Subcommands.Add(export);
        bundle.Subcommands.Add(import);
        root.Subcommands.Add(bundle);
    }
}
