namespace Keel.Reproduction;

/// <summary>
/// Finds the behaviour test runner: one registered explicitly, else the first concrete
/// <see cref="IBehaviourTestRunner"/> with a public parameterless constructor in a loaded Keel
/// assembly, else none.
/// </summary>
public static class BehaviourTests
{
    private static IBehaviourTestRunner? _registered;

    public static void Register(IBehaviourTestRunner runner) => _registered = runner;

    public static IBehaviourTestRunner? Find()
    {
        if (_registered is not null) return _registered;
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name?.StartsWith("Keel", StringComparison.Ordinal) == true))
        {
            Type[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (System.Reflection.ReflectionTypeLoadException e)
            {
                types = e.Types.OfType<Type>().ToArray();
            }
            var type = types.FirstOrDefault(t => !t.IsAbstract && !t.IsInterface && typeof(IBehaviourTestRunner).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null);
            if (type is not null) return (IBehaviourTestRunner)Activator.CreateInstance(type)!;
        }
        return null;
    }
}
