using System.CommandLine;
using Keel.Cli;

namespace Keel.Cli.Tests;

/// <summary>The start-up shortcut that builds only the command named first must build exactly what the whole tree holds for it.</summary>
public sealed class CommandTreeTests
{
    [Fact]
    public void Registrations_EachAddsExactlyTheNamesItDeclares()
    {
        foreach (var (names, addTo) in KeelCli.Registrations)
        {
            var root = new RootCommand();
            addTo(root);
            Assert.Equal(names, root.Subcommands.Select(c => c.Name).ToArray());
        }
    }

    [Fact]
    public void BuildTree_UnknownOrMissingName_HasEveryCommandOnce()
    {
        var all = KeelCli.Registrations.SelectMany(r => r.Names).ToArray();

        foreach (var first in new[] { null, "--help", "--verbose", "nosuchcommand" })
            Assert.Equal(all, KeelCli.BuildTree(first).Subcommands.Select(c => c.Name).ToArray());
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    [Fact]
    public void BuildTree_KnownName_TheSameCommandAsInTheWholeTree()
    {
        var whole = KeelCli.BuildTree(null);
        foreach (var name in KeelCli.Registrations.SelectMany(r => r.Names))
        {
            var alone = Assert.Single(KeelCli.BuildTree(name).Subcommands, c => c.Name == name);
            Assert.Equal(Describe(whole.Subcommands.Single(c => c.Name == name)), Describe(alone));
        }
    }

    private static string Describe(Command command) =>
        $"{command.Name}({string.Join(',', command.Options.Select(o => o.Name))};{string.Join(',', command.Arguments.Select(a => a.Name))})"
        + $"[{string.Join(' ', command.Subcommands.Select(Describe))}]";
}
