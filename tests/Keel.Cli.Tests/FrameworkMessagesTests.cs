namespace Keel.Cli.Tests;

/// <summary>Errors whose text comes from .NET's own resources reach the user as sentences, not resource keys.</summary>
public sealed class FrameworkMessagesTests
{
    [Fact]
    public void LineageImport_JsonNestedTooDeep_SaysASentenceNotAResourceKey()
    {
        // Given an OpenLineage file whose one line nests arrays deeper than the JSON reader allows
        using var ws = TempWorkspace.Init();
        ws.Write("events.jsonl", new string('[', 100) + new string(']', 100) + "\n");

        // When it is imported
        var r = ws.Keel("lineage", "import", "events.jsonl");

        // Then one line says what is wrong in words (the reader's own message), naming the file and line
        Assert.True(r.ExitCode == 2, r.ToString());
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("events.jsonl:1", line, StringComparison.Ordinal);
        Assert.Contains("maximum configured depth of 64", line, StringComparison.Ordinal);
        Assert.DoesNotContain("ArrayDepthTooLarge", line, StringComparison.Ordinal);
    }
}
