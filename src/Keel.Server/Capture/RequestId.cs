using System.Text;

namespace Keel.Server.Capture;

/// <summary>
/// A request id as captured. An id in the form the server makes (32 lower-case hex digits, a
/// UUIDv7) is kept as its 16 bytes, so capturing tens of thousands of rows a second keeps no
/// string per row; any other id a client sent in <c>X-Request-Id</c> is kept as given. Every id
/// goes through <see cref="Parse"/>, so one text always gives one value.
/// </summary>
internal readonly record struct RequestId
{
    private const int HexLength = 32;

    private RequestId(Guid hex, string? text)
    {
        Hex = hex;
        Text = text;
    }

    /// <summary>The id's 16 bytes when it is 32 lower-case hex digits.</summary>
    public Guid Hex { get; }

    /// <summary>The id as given when it is not 32 lower-case hex digits, else null.</summary>
    public string? Text { get; }

    public static RequestId New(DateTimeOffset now) => new(Guid.CreateVersion7(now), null);

    public static RequestId FromHex(Guid hex) => new(hex, null);

    public static RequestId Parse(string text) =>
        text.Length == HexLength && IsLowerHex(text) && Guid.TryParseExact(text, "N", out var g) ? new RequestId(g, null) : new RequestId(Guid.Empty, text);

    /// <summary>The id as a client sees it (in the response and in a segment's <c>request_id</c> column).</summary>
    public override string ToString() => Text ?? Hex.ToString("N");

    /// <summary>The length of the id in UTF-8.</summary>
    public int Utf8Length => Text is null ? HexLength : Encoding.UTF8.GetByteCount(Text);

    /// <summary>Writes the id as UTF-8 into <paramref name="destination"/>, at least <see cref="Utf8Length"/> long.</summary>
    public int WriteUtf8(Span<byte> destination)
    {
        if (Text is not null) return Encoding.UTF8.GetBytes(Text, destination);
        Hex.TryFormat(destination, out var written, "N");
        return written;
    }

    private static bool IsLowerHex(string text)
    {
        foreach (var c in text)
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        return true;
    }
}
