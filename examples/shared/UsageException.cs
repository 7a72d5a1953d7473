namespace Keel.Examples.Shared;

/// <summary>A mistake in the command line or params: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
