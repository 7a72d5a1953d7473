namespace Keel.Examples.Shared;

/// <summary>Input data that breaks the expected schema or ranges: exit code 1.</summary>
internal sealed class DataCheckException(string message) : Exception(message);
