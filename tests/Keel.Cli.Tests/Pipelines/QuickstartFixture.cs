namespace Keel.Cli.Tests.Pipelines;

/// <summary>Runs <c>keel quickstart</c> once (about 40 s) for every test in <see cref="QuickstartTests"/>.</summary>
public sealed class QuickstartFixture : IDisposable
{
    private readonly PipelineCli _cli = new(init: false);

    public QuickstartFixture()
    {
        // The temp folder is empty, so the quickstart may use it as its workspace.
        Result = _cli.Run("quickstart", "--dir", ".");
    }

    internal PipelineCli Cli => _cli;

    internal CliResult Result { get; }

    public void Dispose() => _cli.Dispose();
}
