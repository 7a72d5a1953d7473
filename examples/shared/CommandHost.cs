namespace Keel.Examples.Shared;

/// <summary>Runs one subcommand and maps failures to exit codes: 1 data check, 2 usage.</summary>
internal static class CommandHost
{
    public static int Run(string program, string[] args, IReadOnlyDictionary<string, Func<ArgReader, int>> commands)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(commands);
        var usage = $"usage: {program} <{string.Join('|', commands.Keys)}> [--option value]...";
        if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
        {
            Console.Error.WriteLine(args.Length == 0 ? usage : $"{program}: unknown command '{args[0]}'\n{usage}");
            return 2;
        }

        try
        {
            return command(new ArgReader(args[1..]));
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"{program} {args[0]}: {ex.Message}");
            return 2;
        }
        catch (DataCheckException ex)
        {
            Console.Error.WriteLine($"{program} {args[0]}: {ex.Message}");
            return 1;
        }
    }
}
