using System.Text;
using System.Text.RegularExpressions;
using CsCheck;

namespace Keel.Core.Tests.Fuzzing;

/// <summary>
/// The property every parser of untrusted input keeps: given any mutation of a valid input from
/// tests/fuzz-corpus/NAME, it either accepts it or refuses it with a <see cref="KeelException"/>
/// whose message a user can act on. Any other exception, an empty or raw-resource-key message, or
/// not finishing within <see cref="HangLimit"/> is a defect. Runs KEEL_FUZZ_SECONDS seconds per
/// parser (3 by default), on one thread.
/// </summary>
internal static partial class ParserProperty
{
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(20);

    public static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable("KEEL_FUZZ_SECONDS"), out var s) && s > 0 ? s : 3;

    public static void Holds(string corpus, Action<byte[]> parse, params string[] tokens) =>
        Inputs(corpus, tokens).Sample(input => AcceptsOrRefusesClearly(parse, input), time: Seconds, threads: 1,
            print: Show);

    /// <summary>A file of tests/fuzz-corpus/<paramref name="corpus"/> with up to 8 edits (also used by Keel.Server.Tests, which links this file).</summary>
    public static Gen<byte[]> Inputs(string corpus, params string[] tokens)
    {
        var seeds = LoadCorpus(corpus);
        var words = tokens.Concat(["\0", "\"", "'", "\n", "\r\n", "\\", "{", "}", "[", "]", ":", ",", "-1", "1e999", "NaN", "\uFFFD", "\u00e9"])
            .Select(Encoding.UTF8.GetBytes).ToArray();
        // Each input is a seed and up to 8 edits: (what, where, byte or token, length).
        var edit = Gen.Select(Gen.Int[0, 6], Gen.Int[0, int.MaxValue], Gen.Int[0, 255], Gen.Int[1, 64]);
        return Gen.Select(Gen.Int[0, seeds.Count - 1], edit.Array[0, 8], (s, edits) => Mutate(seeds[s], edits, words));
    }

    /// <summary>Runs one input; throws (so CsCheck shrinks it) when the parser breaks the property.</summary>
    public static void AcceptsOrRefusesClearly(Action<byte[]> parse, byte[] input) => AcceptsOrRefusesClearly<KeelException>(parse, input);

    /// <summary>The same, for a reader whose caller takes <typeparamref name="TRefusal"/> as its refusal (the capture log's recovery: <see cref="InvalidDataException"/>).</summary>
    public static void AcceptsOrRefusesClearly<TRefusal>(Action<byte[]> parse, byte[] input)
        where TRefusal : Exception
    {
        var task = Task.Run(() => parse(input));
        try
        {
            if (!task.Wait(HangLimit)) throw new TimeoutException($"the parser did not finish within {HangLimit.TotalSeconds} s");
        }
        catch (AggregateException e) when (e.InnerException is TRefusal refusal)
        {
            var message = refusal.Message;
            if (string.IsNullOrWhiteSpace(message)) throw new InvalidOperationException("refused with an empty message", refusal);
            // A message may quote the input, which may itself hold a word shaped like a key (Hxit_NaNcode).
            var quoted = Encoding.UTF8.GetString(input);
            if (ResourceKey().Matches(message).Any(m => !quoted.Contains(m.Value, StringComparison.Ordinal)))
                throw new InvalidOperationException($"refused with a raw resource key: {message}", refusal);
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"not a {typeof(TRefusal).Name}: {e.InnerException.GetType().Name}: {e.InnerException.Message}", e.InnerException);
        }
    }

    /// <summary>The input as a C# string literal body: printable ASCII as is, every other byte as \xNN.</summary>
    public static string Show(byte[] input)
    {
        var text = new StringBuilder($"{input.Length} bytes: ");
        foreach (var b in input)
            text.Append(b switch { (byte)'\\' => "\\\\", (byte)'"' => "\\\"", (byte)'\n' => "\\n", >= 0x20 and < 0x7f => ((char)b).ToString(), _ => $"\\x{b:x2}" });
        return text.ToString();
    }

    private static byte[] Mutate(byte[] seed, (int What, int Where, int Value, int Length)[] edits, byte[][] words)
    {
        var bytes = new List<byte>(seed);
        foreach (var (what, where, value, length) in edits)
        {
            var at = where % (bytes.Count + 1);
            var span = Math.Min(length, bytes.Count - at);
            switch (what)
            {
                case 0 when at < bytes.Count: bytes[at] ^= (byte)(value | 1); break;
                case 1: bytes.Insert(at, (byte)value); break;
                case 2: bytes.RemoveRange(at, span); break;
                case 3: bytes.InsertRange(at, bytes.GetRange(at, span)); break;
                case 4: bytes.InsertRange(at, words[value % words.Length]); break;
                case 5: bytes.RemoveRange(at, bytes.Count - at); break;
                case 6 when at < bytes.Count: bytes[at] = (byte)value; break;
            }
        }
        return [.. bytes];
    }

    public static List<byte[]> LoadCorpus(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) dir = dir.Parent;
        var corpus = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("the repository root (Keel.slnx) was not found above the test binaries"), "tests", "fuzz-corpus", name);
        var seeds = Directory.EnumerateFiles(corpus).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        Assert.NotEmpty(seeds);
        return seeds;
    }

    // .NET's resource keys, shown instead of sentences when resources are trimmed: IO_DiskFull_Path_AllocationSize.
    [GeneratedRegex(@"\b[A-Z][A-Za-z]+_[A-Z][A-Za-z]+(_[A-Za-z]+)*\b")]
    private static partial Regex ResourceKey();
}
