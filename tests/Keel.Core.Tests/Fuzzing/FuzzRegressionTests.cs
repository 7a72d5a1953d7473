using System.Text;
using Keel.Pipelines;
using Keel.Reproduction.Attestations;

namespace Keel.Core.Tests.Fuzzing;

/// <summary>Inputs the parser properties found (shrunk by CsCheck), kept as plain regression tests.</summary>
public sealed class FuzzRegressionTests
{
    // YamlDotNet's scanner threw InvalidOperationException ("Operation is not valid due to the
    // current state of the object") for a flow list cut by a byte that is not valid UTF-8.
    [Theory]
    [InlineData("stages:\n  train:\n    foreach: [small, large\uFFFD\n    do:\n      cmd: echo ${item} > out/${item}.txt\n")]
    public void PipelineParser_FlowListCutByInvalidByte_RefusesWithPosition(string yaml)
    {
        var e = Assert.ThrowsAny<KeelException>(() => PipelineParser.Parse(yaml, "keel.yaml"));
        Assert.StartsWith("keel.yaml:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PipelineParser_FlowListCutByInvalidUtf8Bytes_RefusesWithPosition()
    {
        var bytes = Encoding.UTF8.GetBytes("stages:\n  train:\n    foreach: [small, large").Concat(new byte[] { 0xff, (byte)'\n', (byte)' ', (byte)'d', (byte)'o', (byte)':' }).ToArray();
        var e = Assert.ThrowsAny<KeelException>(() => PipelineParser.Parse(Encoding.UTF8.GetString(bytes), "keel.yaml"));
        Assert.StartsWith("keel.yaml:", e.Message, StringComparison.Ordinal);
    }

    // An alias right after a flow list made YamlDotNet throw ArgumentException ("The current event is
    // of an unsupported type").
    [Theory]
    [InlineData("stages:\n  s:\n    params: [{a: [b]}]*a\n    seed: 42\n")]
    [InlineData("stages:\n  s:\n    deps: [x]*a\n")]
    public void PipelineParser_AliasAfterFlowList_RefusesWithPosition(string yaml)
    {
        var e = Assert.ThrowsAny<KeelException>(() => PipelineParser.Parse(yaml, "keel.yaml"));
        Assert.StartsWith("keel.yaml:", e.Message, StringComparison.Ordinal);
    }

    // A repeated key made System.Text.Json throw ArgumentException when the envelope was read; a
    // signed document with two values for one field is ambiguous and must be refused as such.
    [Fact]
    public void Dsse_Parse_DuplicatePayloadKey_RefusedAsAltered()
    {
        const string json = """{"payloadType":"application/vnd.in-toto+json","payload":"e30=","payload":"e30=","signatures":[{"keyid":"k","sig":"AAAA"}]}""";
        var e = Assert.Throws<KeelException>(() => Dsse.Parse(json));
        Assert.Contains("attestation", e.Message, StringComparison.Ordinal);
    }
}
