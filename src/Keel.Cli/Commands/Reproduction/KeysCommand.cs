using System.CommandLine;
using Keel.Reproduction.Attestations;

namespace Keel.Cli.Commands.Reproduction;

/// <summary><c>keel keys generate | trust FILE</c> and <c>keel attest verify FILE</c>.</summary>
internal static class KeysCommand
{
    public static void AddTo(RootCommand root)
    {
        var keys = new Command("keys", "signing keys for attestations ($KEEL_HOME or ~/.keel)");
        var generate = new Command("generate", "make an ECDSA P-256 signing key (private key mode 0600), make it the default and trust it") { CliContext.JsonOption() };
        generate.SetAction(parse =>
        {
            var store = KeyStore.Default();
            var (id, pub) = store.Generate();
            if (parse.GetValue<bool>("--json")) CliContext.WriteJson(new { key_id = id, fingerprint = SignerKeys.Fingerprint(id), public_key = pub, home = store.Home });
            else Console.WriteLine($"generated {id}\nfingerprint {SignerKeys.Fingerprint(id)} (tell it to whoever trusts your key, through another channel than your bundles)\npublic key: {pub} (give this file to whoever verifies your attestations: 'keel keys trust {Path.GetFileName(pub)}')");
            return ExitCodes.Ok;
        });
        var file = new Argument<string>("file") { Description = "a PEM public key file" };
        var trust = new Command("trust", "trust attestations signed by this public key") { file };
        trust.SetAction(parse =>
        {
            var id = KeyStore.Default().Trust(Path.GetFullPath(parse.GetValue(file)!, CliContext.Cwd));
            Console.WriteLine($"trusted {id}");
            return ExitCodes.Ok;
        });
        keys.Subcommands.Add(generate);
        keys.Subcommands.Add(trust);
        root.Subcommands.Add(keys);

        var attest = new Command("attest", "attestations");
        var envelope = new Argument<string>("file") { Description = "a DSSE envelope (attestation.dsse.json)" };
        var json = CliContext.JsonOption();
        var verify = new Command("verify", "check an attestation's signature against trusted keys and its subject against the object store") { envelope, json };
        verify.SetAction(parse =>
        {
            var path = Path.GetFullPath(parse.GetValue(envelope)!, CliContext.Cwd);
            if (!File.Exists(path)) throw new KeelException($"{path} does not exist");
            Keel.Workspaces.Workspace? ws = null;
            try
            {
                ws = Keel.Workspaces.Workspace.Find(CliContext.Cwd, CliContext.Time);
            }
            catch (KeelException)
            {
            }
            using (ws)
            {
                var check = AttestationVerifier.Verify(File.ReadAllText(path), KeyStore.Default(), ws?.Objects, ws?.Metadata.LineageCatalog,
                    ws?.KeelDir);
                var subjectState = ws is null ? "not checked (no workspace here)" : check.Problems.Count == 0 ? "matches the object store" : "does NOT match";
                if (parse.GetValue(json))
                {
                    CliContext.WriteJson(new
                    {
                        valid = check.Valid,
                        signed = check.Signed,
                        status = !check.Signed ? "unsigned" : check.Valid ? "valid" : "invalid",
                        key_id = check.KeyId,
                        subjects = check.Subjects,
                        verdict = check.Verdict,
                        subject_checked = ws is not null,
                        problems = check.Problems,
                    });
                }
                else
                {
                    foreach (var p in check.Problems) Console.WriteLine($"PROBLEM {p}");
                    if (!check.Signed)
                        Console.WriteLine($"UNSIGNED: {Path.GetFileName(path)} is a bare in-toto statement, not a DSSE envelope: nobody signed it, so it proves nothing about who checked what; "
                            + $"subject {string.Join(", ", check.Subjects)} {subjectState}; attested verdict: {check.Verdict ?? "-"}. "
                            + "The verifier writes it when they have no signing key: ask them to run 'keel keys generate' and 'keel verify' again, then send attestation.dsse.json and their public key");
                    else
                        Console.WriteLine(check.Valid
                            ? $"valid: signed by trusted key {check.KeyId}; subject {string.Join(", ", check.Subjects)} {subjectState}; attested verdict: {check.Verdict}"
                            : $"INVALID: signature ok ({check.KeyId}) but the subject or the lineage no longer matches what was attested");
                }
                return check.Valid ? ExitCodes.Ok : ExitCodes.CheckFailed;
            }
        });
        attest.Subcommands.Add(verify);
        root.Subcommands.Add(attest);
    }
}
