using Keel.Slurm;

namespace Keel.Team.Tests.Backends;

public sealed class SlurmOptionsTests
{
    [Fact]
    public void Parse_EnvNames_AddedToTheVariablesAlwaysForwarded()
    {
        var options = SlurmOptions.Parse("slurm+unix:///run/slurmrestd.sock?env=HF_HOME,MY_TOKEN&scratch=/scratch");

        Assert.Equal("/scratch", options.Scratch);
        Assert.Contains("NUGET_PACKAGES", options.Forward);
        Assert.Contains("AWS_SECRET_ACCESS_KEY", options.Forward);
        Assert.Equal(["HF_HOME", "MY_TOKEN"], options.Forward.TakeLast(2));
    }

    [Theory]
    [InlineData("1ABC")]
    [InlineData("A-B")]
    [InlineData("PATH;rm")]
    public void Parse_EnvNotAVariableName_RefusedNamingIt(string name)
    {
        var e = Assert.Throws<KeelException>(() => SlurmOptions.Parse($"slurm+http://127.0.0.1:6820?env=OK,{Uri.EscapeDataString(name)}"));

        Assert.Contains($"'{name}' is not an environment variable name", e.Message, StringComparison.Ordinal);
    }
}
