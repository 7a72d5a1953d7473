using Keel.Objects;
using Keel.Pipelines;

namespace Keel.Team.Tests.Conformance;

public sealed class LocalExecutorConformance : ExecutorConformance
{
    public LocalExecutorConformance()
    {
        Objects = new LocalObjectStore(Dir.File("objects"));
        Executor = new LocalExecutor(TimeProvider.System);
    }

    protected override IObjectStore Objects { get; }

    protected override IStageExecutor Executor { get; }
}
