// The tests drive real servers on Linux loopback and check Unix file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// The suites share one PostgreSQL, one Swift and a 2-CPU Slurm node: run classes one at a time
// so a slow neighbour never turns into a connect timeout.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
