namespace Keel.Team.Tests.Infrastructure;

/// <summary>Names the environment variable a test class needs (e.g. KEEL_TEST_POSTGRES); none means always run.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresServiceAttribute(string variable) : Attribute
{
    public string Variable { get; } = variable;
}
