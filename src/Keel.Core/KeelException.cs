namespace Keel;

/// <summary>An error the user must see: one line saying what is wrong and what to do.</summary>
public class KeelException : Exception
{
    public KeelException(string message, int exitCode = ExitCodes.Usage, Exception? inner = null)
        : base(message, inner) => ExitCode = exitCode;

    /// <summary>The process exit code this error maps to.</summary>
    public int ExitCode { get; }
}

/// <summary>A check found damage or a failure (fsck, a reproduction, a test): exit code 1.</summary>
public sealed class CheckFailedException(string message) : KeelException(message, ExitCodes.CheckFailed);

/// <summary>The exit codes every command uses.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int CheckFailed = 1;
    public const int Usage = 2;
}
