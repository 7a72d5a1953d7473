using Xunit.Sdk;

namespace Keel.Team.Tests.Infrastructure;

/// <summary>
/// A fact that runs only when the test class's <see cref="RequiresServiceAttribute"/> variable is
/// set (scripts/services.sh exports it once the server is up); otherwise it is reported as
/// SKIPPED with the reason, never silently passed.
/// </summary>
[XunitTestCaseDiscoverer("Keel.Team.Tests.Infrastructure.ServiceFactDiscoverer", "Keel.Team.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ServiceFactAttribute : FactAttribute;
