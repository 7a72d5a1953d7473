using Keel.Bench;
using Keel.Bench.Lineage;
using Keel.Bench.Monitoring;
using Keel.Bench.Pipelines;
using Keel.Bench.Tracking;
using Keel.Bench.Reproduction;
using Keel.Bench.Serving;
using Keel.Bench.Team;

// The bench drives Unix tools (cat, sha256sum, git) and the linux keel binary.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// The bench measures hashing as keel does it: mapped under read leases (see NativeFile.EnableReadLeases).
Keel.Objects.NativeFile.EnableReadLeases();
return await Bench.RunAsync(args,
[
    new StartupBench(), new HashBench(), new AddLargeFileBench(), new AddSmallFilesBench(), new StatusBench(),
    new TrackingBenchGroup(), new PipelineBench(), new StatisticsBenchGroup(), new FullReportBenchGroup(), new LineageBenchGroup(), new ReproductionBench(), new ServingBench(),
    new PostgresIngestBench(), new RemotePushBench(), new SlurmOverheadBench(),
]);
