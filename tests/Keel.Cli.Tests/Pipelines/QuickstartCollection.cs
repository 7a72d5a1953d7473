namespace Keel.Cli.Tests.Pipelines;

/// <summary>One quickstart run shared by every test class that reads it (the pipeline and the reproduction tests).</summary>
[CollectionDefinition(Name)]
public sealed class QuickstartCollection : ICollectionFixture<QuickstartFixture>
{
    public const string Name = "quickstart";
}
