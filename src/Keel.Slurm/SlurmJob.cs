namespace Keel.Slurm;

/// <summary>A submitted stage: its Slurm job id and where its worker will leave the result.</summary>
public sealed record SlurmJob(long Id, string ResultName);
