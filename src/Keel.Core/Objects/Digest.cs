using System.Diagnostics.CodeAnalysis;

namespace Keel.Objects;

/// <summary>A content digest written <c>blake3:&lt;64 hex&gt;</c>; the name of an object.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(DigestJsonConverter))]
public readonly record struct Digest : IComparable<Digest>
{
    public const string Prefix = "blake3:";
    public const int HexLength = 64;

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    private Digest(string hex) => Hex = hex;

    /// <summary>The 64 lower-case hex characters, without the algorithm name.</summary>
    public string Hex { get; }

    public static Digest FromBytes(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != 32)
            throw new ArgumentException("a BLAKE3-256 digest is 32 bytes", nameof(hash));
        return new Digest(Convert.ToHexStringLower(hash));
    }

    public static Digest Parse(string text) =>
        TryParse(text, out var digest)
            ? digest
            : throw new KeelException($"'{text}' is not a digest: expected {Prefix} followed by {HexLength} hex digits");

    public static Digest Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var digest)
            ? digest
            : throw new KeelException($"'{text}' is not a digest: expected {Prefix} followed by {HexLength} hex digits");

    public static bool TryParse([NotNullWhen(true)] string? text, out Digest digest)
    {
        digest = default;
        return text is not null && TryParse(text.AsSpan(), out digest);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out Digest digest)
    {
        digest = default;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var hex = text[Prefix.Length..];
        if (hex.Length != HexLength) return false;
        if (hex.ContainsAnyExcept(HexDigits)) return false;
        digest = new Digest(hex.ToString());
        return true;
    }

    public bool IsEmpty => Hex is null;

    public int CompareTo(Digest other) => string.CompareOrdinal(Hex, other.Hex);

    public override string ToString() => Prefix + Hex;

    /// <summary>The first 12 hex digits, for people.</summary>
    public string Short => Hex[..12];
}
