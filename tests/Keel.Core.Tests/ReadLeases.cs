using System.Runtime.CompilerServices;
using Keel.Objects;

namespace Keel.Core.Tests;

/// <summary>The test host is a process of Keel's own, like the CLI: hashing maps large files under read leases here too.</summary>
internal static class ReadLeases
{
#pragma warning disable CA2255 // A test assembly is loaded by its own host, never by a user's program.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Enable() => NativeFile.EnableReadLeases();
}
