namespace Keel.Tracking;

/// <summary>Where a run is in its life. Only <see cref="Running"/> accepts new records.</summary>
public enum RunStatus
{
    Running,
    Finished,
    Failed,
    Killed,
}
