using Xunit.Abstractions;
using Xunit.Sdk;

namespace Keel.Team.Tests.Infrastructure;

/// <summary>Discovers <see cref="ServiceFactAttribute"/> tests as <see cref="ServiceTestCase"/>s, which skip loudly when their service is not running.</summary>
public sealed class ServiceFactDiscoverer(IMessageSink sink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new ServiceTestCase(sink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}
