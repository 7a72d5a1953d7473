namespace Keel.Objects;

/// <summary>BLAKE3's sizes, flags and initial vector, shared by the scalar and the SIMD code.</summary>
internal static class Blake3Constants
{
    public const int BlockLen = 64;
    public const int ChunkLen = 1024;
    public const int OutLen = 32;

    /// <summary>Deep enough for 2^54 chunks, more bytes than any file.</summary>
    public const int MaxDepth = 54;

    public const uint ChunkStart = 1, ChunkEnd = 2, Parent = 4, Root = 8;

    public const uint Iv0 = 0x6A09E667, Iv1 = 0xBB67AE85, Iv2 = 0x3C6EF372, Iv3 = 0xA54FF53A;
    public const uint Iv4 = 0x510E527F, Iv5 = 0x9B05688C, Iv6 = 0x1F83D9AB, Iv7 = 0x5BE0CD19;

    public static ReadOnlySpan<uint> Iv => [Iv0, Iv1, Iv2, Iv3, Iv4, Iv5, Iv6, Iv7];
}
