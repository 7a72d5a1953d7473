using System.Text;
using Keel.Pipelines;
using Keel.Registry;
using Keel.Reproduction.Attestations;
using Keel.Reproduction.Bundles;
using Keel.Tracking.Filters;
using Keel.Workspaces;

namespace Keel.Core.Tests.Fuzzing;

/// <summary>Mutated inputs from tests/fuzz-corpus against each parser of untrusted input (see <see cref="ParserProperty"/>).</summary>
public sealed class ParserFuzzTests
{
    [Fact]
    public void PipelineParser_MutatedKeelYaml_AcceptsOrRefusesClearly() =>
        ParserProperty.Holds("keel-yaml", b => PipelineParser.Parse(Encoding.UTF8.GetString(b), "keel.yaml"),
            "stages:", "cmd:", "deps:", "outs:", "params:", "foreach:", "do:", "compare:", "resources:", "&a", "*a", "<<: *a", "!!binary", "${item}", "- ", "~", "? ", "|", ">");

    [Fact]
    public void FilterParser_MutatedExpression_AcceptsOrRefusesClearly() =>
        ParserProperty.Holds("filter", b => FilterParser.Parse(Encoding.UTF8.GetString(b)),
            " and ", " or ", "not ", "(", ")", "metrics.", "params.", "tags.", "=", "==", "!=", "<>", "<=", ">=", "''", "\"\"", "1e308", "-0", ".5");

    [Fact]
    public void CsvTable_MutatedCsv_AcceptsOrRefusesClearly() =>
        ParserProperty.Holds("csv", b => CsvTable.Read(new MemoryStream(b), "data.csv"), ",", "\"\"", "\r", "\uFEFF");

    [Fact]
    public void Dsse_MutatedEnvelope_AcceptsOrRefusesClearly()
    {
        using var home = new TempDir();
        var keys = new KeyStore(home.Path);
        ParserProperty.Holds("dsse", b =>
        {
            var json = Encoding.UTF8.GetString(b);
            Dsse.Parse(json);
            AttestationVerifier.Verify(json, keys, null);
        }, "\"payload\"", "\"signatures\"", "\"sig\"", "\"keyid\"", "null", "=", "==", "AAAA", "true", "[]", "{}");
    }

    [Fact]
    public void BundleImporter_MutatedBundle_AcceptsOrRefusesClearly()
    {
        using var dir = new TempDir();
        using var ws = Workspace.Init(dir.File("ws"), TimeProvider.System);
        var keys = new KeyStore(dir.File("home"));
        var importer = new BundleImporter(ws, keys, new BundleLimits(16 << 20, 1_000, 100));
        var n = 0;
        ParserProperty.Holds("bundle", b =>
        {
            var file = dir.File($"b{Interlocked.Increment(ref n)}.keelbundle");
            File.WriteAllBytes(file, b);
            try
            {
                importer.ImportAsync(file, CancellationToken.None).GetAwaiter().GetResult();
            }
            finally
            {
                File.Delete(file);
            }
        }, "manifest.json", "objects/", "metadata/lineage.json", "ustar", "00000000000", "\"entries\"", "\"size\"", "\"blake3\"", "../", "/etc/");
    }
}
