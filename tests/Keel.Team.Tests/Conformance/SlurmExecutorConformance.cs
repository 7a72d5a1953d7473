using Keel.Objects;
using Keel.Pipelines;
using Keel.S3;
using Keel.Slurm;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Conformance;

/// <summary>
/// Jobs run as the <c>slurm</c> user in node-local scratch and see only the object store: the
/// test's working directory is never read by the worker, only written by the executor.
/// </summary>
[RequiresService("KEEL_TEST_SLURM")]
public sealed class SlurmExecutorConformance : ExecutorConformance
{
    public SlurmExecutorConformance()
    {
        var uri = Services.NewS3Bucket("ws");
        Objects = new S3ObjectStore(uri, Dir.File("cache"));
        Executor = SlurmFixture.Executor(Objects, uri);
    }

    protected override IObjectStore Objects { get; }

    protected override IStageExecutor Executor { get; }
}
