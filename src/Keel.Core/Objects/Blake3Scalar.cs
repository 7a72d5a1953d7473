using System.Buffers.Binary;
using System.Numerics;

namespace Keel.Objects;

/// <summary>
/// BLAKE3-256 in plain scalar code, for small in-memory inputs (manifests, recipes, records).
/// It is precompiled with the rest of Keel, so hashing a few kilobytes costs no JIT warm-up;
/// <see cref="Blake3Hasher"/>, which compresses 8 or 16 chunks at once with SIMD, hashes
/// larger inputs and files, and uses this compression function for partial chunks and single
/// parents. Both are checked against the official test vectors.
/// </summary>
internal static class Blake3Scalar
{
    private const int BlockLen = 64;
    private const int ChunkLen = 1024;
    private const uint ChunkStart = 1, ChunkEnd = 2, Parent = 4, Root = 8;

    private static readonly uint[] Iv = [0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19];
    private static readonly int[] Permutation = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];

    public static void Hash(ReadOnlySpan<byte> input, Span<byte> output32)
    {
        var chunks = Math.Max(1, (input.Length + ChunkLen - 1) / ChunkLen);
        Span<uint> stack = stackalloc uint[8 * 54];
        var depth = 0;
        Span<uint> cv = stackalloc uint[8];
        for (long c = 0; c < chunks - 1; c++)
        {
            ChunkChainingValue(input.Slice((int)(c * ChunkLen), ChunkLen), (ulong)c, cv);
            // Merge completed subtrees: one merge per trailing zero bit of the chunk count.
            var total = c + 1;
            while ((total & 1) == 0)
            {
                depth--;
                ParentChainingValue(stack.Slice(depth * 8, 8), cv, cv);
                total >>= 1;
            }
            cv.CopyTo(stack.Slice(depth * 8, 8));
            depth++;
        }

        // The last chunk's final block is the output, unless parents remain above it.
        var last = input[(int)((chunks - 1) * (long)ChunkLen)..];
        Span<uint> outCv = stackalloc uint[8];
        Span<uint> outBlock = stackalloc uint[16];
        ChunkOutput(last, (ulong)(chunks - 1), outCv, outBlock, out var outLen, out var outFlags);
        ulong outCounter = (ulong)(chunks - 1);
        Span<uint> childCv = stackalloc uint[8];
        while (depth > 0)
        {
            depth--;
            Compress(outCv, outBlock, outCounter, outLen, outFlags, childCv);
            stack.Slice(depth * 8, 8).CopyTo(outBlock);
            childCv.CopyTo(outBlock[8..]);
            Iv.CopyTo(outCv);
            outCounter = 0;
            outLen = BlockLen;
            outFlags = Parent;
        }
        Span<uint> root = stackalloc uint[8];
        Compress(outCv, outBlock, 0, outLen, outFlags | Root, root);
        for (var i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32LittleEndian(output32[(i * 4)..], root[i]);
    }

    private static void ChunkChainingValue(ReadOnlySpan<byte> chunk, ulong counter, Span<uint> cv)
    {
        Span<uint> block = stackalloc uint[16];
        ChunkOutput(chunk, counter, cv, block, out var len, out var flags);
        Compress(cv, block, counter, len, flags, cv);
    }

    /// <summary>Runs every block of a chunk but the last; leaves the last block's inputs in cv/block.</summary>
    private static void ChunkOutput(ReadOnlySpan<byte> chunk, ulong counter, Span<uint> cv, Span<uint> block, out uint len, out uint flags)
    {
        Iv.CopyTo(cv);
        var blocks = Math.Max(1, (chunk.Length + BlockLen - 1) / BlockLen);
        for (var b = 0; b < blocks - 1; b++)
        {
            Load(chunk.Slice(b * BlockLen, BlockLen), block);
            Compress(cv, block, counter, BlockLen, b == 0 ? ChunkStart : 0, cv);
        }
        var tail = chunk[((blocks - 1) * BlockLen)..];
        Load(tail, block);
        len = (uint)tail.Length;
        flags = ChunkEnd | (blocks == 1 ? ChunkStart : 0);
    }

    private static void ParentChainingValue(ReadOnlySpan<uint> left, ReadOnlySpan<uint> right, Span<uint> result)
    {
        Span<uint> block = stackalloc uint[16];
        left.CopyTo(block);
        right.CopyTo(block[8..]);
        Compress(Iv, block, 0, BlockLen, Parent, result);
    }

    /// <summary>Reads up to 64 bytes as sixteen little-endian words, zero-padded.</summary>
    internal static void Load(ReadOnlySpan<byte> bytes, Span<uint> words)
    {
        Span<byte> padded = stackalloc byte[BlockLen];
        padded.Clear();
        bytes.CopyTo(padded);
        for (var i = 0; i < 16; i++) words[i] = BinaryPrimitives.ReadUInt32LittleEndian(padded[(i * 4)..]);
    }

    /// <summary>The compression function; writes the 8-word chaining value (may alias <paramref name="cv"/>).</summary>
    internal static void Compress(ReadOnlySpan<uint> cv, ReadOnlySpan<uint> block, ulong counter, uint blockLen, uint flags, Span<uint> result)
    {
        Span<uint> s = stackalloc uint[16];
        cv.CopyTo(s);
        s[8] = Iv[0];
        s[9] = Iv[1];
        s[10] = Iv[2];
        s[11] = Iv[3];
        s[12] = (uint)counter;
        s[13] = (uint)(counter >> 32);
        s[14] = blockLen;
        s[15] = flags;
        Span<uint> m = stackalloc uint[16];
        block.CopyTo(m);
        Span<uint> t = stackalloc uint[16];
        for (var round = 0; round < 7; round++)
        {
            G(s, 0, 4, 8, 12, m[0], m[1]);
            G(s, 1, 5, 9, 13, m[2], m[3]);
            G(s, 2, 6, 10, 14, m[4], m[5]);
            G(s, 3, 7, 11, 15, m[6], m[7]);
            G(s, 0, 5, 10, 15, m[8], m[9]);
            G(s, 1, 6, 11, 12, m[10], m[11]);
            G(s, 2, 7, 8, 13, m[12], m[13]);
            G(s, 3, 4, 9, 14, m[14], m[15]);
            if (round == 6) break;
            for (var i = 0; i < 16; i++) t[i] = m[Permutation[i]];
            t.CopyTo(m);
        }
        for (var i = 0; i < 8; i++) result[i] = s[i] ^ s[i + 8];
    }

    private static void G(Span<uint> s, int a, int b, int c, int d, uint x, uint y)
    {
        s[a] = s[a] + s[b] + x;
        s[d] = BitOperations.RotateRight(s[d] ^ s[a], 16);
        s[c] = s[c] + s[d];
        s[b] = BitOperations.RotateRight(s[b] ^ s[c], 12);
        s[a] = s[a] + s[b] + y;
        s[d] = BitOperations.RotateRight(s[d] ^ s[a], 8);
        s[c] = s[c] + s[d];
        s[b] = BitOperations.RotateRight(s[b] ^ s[c], 7);
    }
}
