using Xunit.Abstractions;
using Xunit.Sdk;

namespace Keel.Team.Tests.Infrastructure;

/// <summary>
/// A test case skipped, with a reason, when its class's <see cref="RequiresServiceAttribute"/>
/// variable is not set. The reason is worked out from the class each time (never serialized),
/// so it holds in the runner's process after the case crosses from discovery to execution.
/// </summary>
public sealed class ServiceTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ServiceTestCase()
    {
    }

    public ServiceTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method)
    {
    }

    protected override string? GetSkipReason(IAttributeInfo factAttribute)
    {
        var required = TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresServiceAttribute)).FirstOrDefault();
        var variable = required?.GetConstructorArguments().FirstOrDefault() as string;
        return variable is not null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable))
            ? $"SKIPPED: {variable} is not set (the service did not start; see scripts/services.sh output)"
            : base.GetSkipReason(factAttribute);
    }
}
