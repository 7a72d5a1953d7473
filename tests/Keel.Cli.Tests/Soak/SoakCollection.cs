namespace Keel.Cli.Tests.Soak;

/// <summary>The soak kills keel at random moments and times what survives: it runs alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    public const string Name = "soak";
}
