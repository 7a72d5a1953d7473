using System.Buffers.Binary;
using System.Numerics;

namespace Keel.Objects;

/// <summary>
/// BLAKE3-256 in plain scalar code, for small in-memory inputs (manifests, recipes, records).
/// It is precompiled with the rest of Keel, so hashing a few kilobytes costs no JIT warm-up;
/// <see cref="Blake3Hasher"/>, which compresses 4, 8 or 16 chunks at once with SIMD, hashes
/// larger inputs and files, and uses this compression function for partial chunks and single
/// parents. Both are checked against the official test vectors.
/// </summary>
internal static class Blake3Scalar
{
    private const int BlockLen = 64;
    private const int ChunkLen = 1024;
    private const uint ChunkStart = 1, ChunkEnd = 2, Parent = 4, Root = 8;

    private static readonly uint[] Iv = [0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19];

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
        // Locals rather than arrays, so the state and the message stay in registers; the seven
        // rounds are written out with the message schedule applied. This code is precompiled,
        // so its size costs no compile time at run time (unlike the SIMD kernels' loops).
        cv = cv[..8];
        block = block[..16];
        uint v0 = cv[0], v1 = cv[1], v2 = cv[2], v3 = cv[3], v4 = cv[4], v5 = cv[5], v6 = cv[6], v7 = cv[7];
        uint v8 = Blake3Constants.Iv0, v9 = Blake3Constants.Iv1, v10 = Blake3Constants.Iv2, v11 = Blake3Constants.Iv3;
        uint v12 = (uint)counter, v13 = (uint)(counter >> 32), v14 = blockLen, v15 = flags;
        uint m0 = block[0], m1 = block[1], m2 = block[2], m3 = block[3], m4 = block[4], m5 = block[5], m6 = block[6], m7 = block[7];
        uint m8 = block[8], m9 = block[9], m10 = block[10], m11 = block[11], m12 = block[12], m13 = block[13], m14 = block[14], m15 = block[15];
        // Round 1.
        v0 += v4 + m0; v1 += v5 + m2; v2 += v6 + m4; v3 += v7 + m6;
        v12 = Rot16(v12 ^ v0); v13 = Rot16(v13 ^ v1); v14 = Rot16(v14 ^ v2); v15 = Rot16(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot12(v4 ^ v8); v5 = Rot12(v5 ^ v9); v6 = Rot12(v6 ^ v10); v7 = Rot12(v7 ^ v11);
        v0 += v4 + m1; v1 += v5 + m3; v2 += v6 + m5; v3 += v7 + m7;
        v12 = Rot8(v12 ^ v0); v13 = Rot8(v13 ^ v1); v14 = Rot8(v14 ^ v2); v15 = Rot8(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot7(v4 ^ v8); v5 = Rot7(v5 ^ v9); v6 = Rot7(v6 ^ v10); v7 = Rot7(v7 ^ v11);
        v0 += v5 + m8; v1 += v6 + m10; v2 += v7 + m12; v3 += v4 + m14;
        v15 = Rot16(v15 ^ v0); v12 = Rot16(v12 ^ v1); v13 = Rot16(v13 ^ v2); v14 = Rot16(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot12(v5 ^ v10); v6 = Rot12(v6 ^ v11); v7 = Rot12(v7 ^ v8); v4 = Rot12(v4 ^ v9);
        v0 += v5 + m9; v1 += v6 + m11; v2 += v7 + m13; v3 += v4 + m15;
        v15 = Rot8(v15 ^ v0); v12 = Rot8(v12 ^ v1); v13 = Rot8(v13 ^ v2); v14 = Rot8(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot7(v5 ^ v10); v6 = Rot7(v6 ^ v11); v7 = Rot7(v7 ^ v8); v4 = Rot7(v4 ^ v9);
        // Round 2.
        v0 += v4 + m2; v1 += v5 + m3; v2 += v6 + m7; v3 += v7 + m4;
        v12 = Rot16(v12 ^ v0); v13 = Rot16(v13 ^ v1); v14 = Rot16(v14 ^ v2); v15 = Rot16(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot12(v4 ^ v8); v5 = Rot12(v5 ^ v9); v6 = Rot12(v6 ^ v10); v7 = Rot12(v7 ^ v11);
        v0 += v4 + m6; v1 += v5 + m10; v2 += v6 + m0; v3 += v7 + m13;
        v12 = Rot8(v12 ^ v0); v13 = Rot8(v13 ^ v1); v14 = Rot8(v14 ^ v2); v15 = Rot8(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot7(v4 ^ v8); v5 = Rot7(v5 ^ v9); v6 = Rot7(v6 ^ v10); v7 = Rot7(v7 ^ v11);
        v0 += v5 + m1; v1 += v6 + m12; v2 += v7 + m9; v3 += v4 + m15;
        v15 = Rot16(v15 ^ v0); v12 = Rot16(v12 ^ v1); v13 = Rot16(v13 ^ v2); v14 = Rot16(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot12(v5 ^ v10); v6 = Rot12(v6 ^ v11); v7 = Rot12(v7 ^ v8); v4 = Rot12(v4 ^ v9);
        v0 += v5 + m11; v1 += v6 + m5; v2 += v7 + m14; v3 += v4 + m8;
        v15 = Rot8(v15 ^ v0); v12 = Rot8(v12 ^ v1); v13 = Rot8(v13 ^ v2); v14 = Rot8(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot7(v5 ^ v10); v6 = Rot7(v6 ^ v11); v7 = Rot7(v7 ^ v8); v4 = Rot7(v4 ^ v9);
        // Round 3.
        v0 += v4 + m3; v1 += v5 + m10; v2 += v6 + m13; v3 += v7 + m7;
        v12 = Rot16(v12 ^ v0); v13 = Rot16(v13 ^ v1); v14 = Rot16(v14 ^ v2); v15 = Rot16(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot12(v4 ^ v8); v5 = Rot12(v5 ^ v9); v6 = Rot12(v6 ^ v10); v7 = Rot12(v7 ^ v11);
        v0 += v4 + m4; v1 += v5 + m12; v2 += v6 + m2; v3 += v7 + m14;
        v12 = Rot8(v12 ^ v0); v13 = Rot8(v13 ^ v1); v14 = Rot8(v14 ^ v2); v15 = Rot8(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot7(v4 ^ v8); v5 = Rot7(v5 ^ v9); v6 = Rot7(v6 ^ v10); v7 = Rot7(v7 ^ v11);
        v0 += v5 + m6; v1 += v6 + m9; v2 += v7 + m11; v3 += v4 + m8;
        v15 = Rot16(v15 ^ v0); v12 = Rot16(v12 ^ v1); v13 = Rot16(v13 ^ v2); v14 = Rot16(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot12(v5 ^ v10); v6 = Rot12(v6 ^ v11); v7 = Rot12(v7 ^ v8); v4 = Rot12(v4 ^ v9);
        v0 += v5 + m5; v1 += v6 + m0; v2 += v7 + m15; v3 += v4 + m1;
        v15 = Rot8(v15 ^ v0); v12 = Rot8(v12 ^ v1); v13 = Rot8(v13 ^ v2); v14 = Rot8(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot7(v5 ^ v10); v6 = Rot7(v6 ^ v11); v7 = Rot7(v7 ^ v8); v4 = Rot7(v4 ^ v9);
        // Round 4.
        v0 += v4 + m10; v1 += v5 + m12; v2 += v6 + m14; v3 += v7 + m13;
        v12 = Rot16(v12 ^ v0); v13 = Rot16(v13 ^ v1); v14 = Rot16(v14 ^ v2); v15 = Rot16(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot12(v4 ^ v8); v5 = Rot12(v5 ^ v9); v6 = Rot12(v6 ^ v10); v7 = Rot12(v7 ^ v11);
        v0 += v4 + m7; v1 += v5 + m9; v2 += v6 + m3; v3 += v7 + m15;
        v12 = Rot8(v12 ^ v0); v13 = Rot8(v13 ^ v1); v14 = Rot8(v14 ^ v2); v15 = Rot8(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot7(v4 ^ v8); v5 = Rot7(v5 ^ v9); v6 = Rot7(v6 ^ v10); v7 = Rot7(v7 ^ v11);
        v0 += v5 + m4; v1 += v6 + m11; v2 += v7 + m5; v3 += v4 + m1;
        v15 = Rot16(v15 ^ v0); v12 = Rot16(v12 ^ v1); v13 = Rot16(v13 ^ v2); v14 = Rot16(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot12(v5 ^ v10); v6 = Rot12(v6 ^ v11); v7 = Rot12(v7 ^ v8); v4 = Rot12(v4 ^ v9);
        v0 += v5 + m0; v1 += v6 + m2; v2 += v7 + m8; v3 += v4 + m6;
        v15 = Rot8(v15 ^ v0); v12 = Rot8(v12 ^ v1); v13 = Rot8(v13 ^ v2); v14 = Rot8(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot7(v5 ^ v10); v6 = Rot7(v6 ^ v11); v7 = Rot7(v7 ^ v8); v4 = Rot7(v4 ^ v9);
        // Round 5.
        v0 += v4 + m12; v1 += v5 + m9; v2 += v6 + m15; v3 += v7 + m14;
        v12 = Rot16(v12 ^ v0); v13 = Rot16(v13 ^ v1); v14 = Rot16(v14 ^ v2); v15 = Rot16(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot12(v4 ^ v8); v5 = Rot12(v5 ^ v9); v6 = Rot12(v6 ^ v10); v7 = Rot12(v7 ^ v11);
        v0 += v4 + m13; v1 += v5 + m11; v2 += v6 + m10; v3 += v7 + m8;
        v12 = Rot8(v12 ^ v0); v13 = Rot8(v13 ^ v1); v14 = Rot8(v14 ^ v2); v15 = Rot8(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot7(v4 ^ v8); v5 = Rot7(v5 ^ v9); v6 = Rot7(v6 ^ v10); v7 = Rot7(v7 ^ v11);
        v0 += v5 + m7; v1 += v6 + m5; v2 += v7 + m0; v3 += v4 + m6;
        v15 = Rot16(v15 ^ v0); v12 = Rot16(v12 ^ v1); v13 = Rot16(v13 ^ v2); v14 = Rot16(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot12(v5 ^ v10); v6 = Rot12(v6 ^ v11); v7 = Rot12(v7 ^ v8); v4 = Rot12(v4 ^ v9);
        v0 += v5 + m2; v1 += v6 + m3; v2 += v7 + m1; v3 += v4 + m4;
        v15 = Rot8(v15 ^ v0); v12 = Rot8(v12 ^ v1); v13 = Rot8(v13 ^ v2); v14 = Rot8(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot7(v5 ^ v10); v6 = Rot7(v6 ^ v11); v7 = Rot7(v7 ^ v8); v4 = Rot7(v4 ^ v9);
        // Round 6.
        v0 += v4 + m9; v1 += v5 + m11; v2 += v6 + m8; v3 += v7 + m15;
        v12 = Rot16(v12 ^ v0); v13 = Rot16(v13 ^ v1); v14 = Rot16(v14 ^ v2); v15 = Rot16(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot12(v4 ^ v8); v5 = Rot12(v5 ^ v9); v6 = Rot12(v6 ^ v10); v7 = Rot12(v7 ^ v11);
        v0 += v4 + m14; v1 += v5 + m5; v2 += v6 + m12; v3 += v7 + m1;
        v12 = Rot8(v12 ^ v0); v13 = Rot8(v13 ^ v1); v14 = Rot8(v14 ^ v2); v15 = Rot8(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot7(v4 ^ v8); v5 = Rot7(v5 ^ v9); v6 = Rot7(v6 ^ v10); v7 = Rot7(v7 ^ v11);
        v0 += v5 + m13; v1 += v6 + m0; v2 += v7 + m2; v3 += v4 + m4;
        v15 = Rot16(v15 ^ v0); v12 = Rot16(v12 ^ v1); v13 = Rot16(v13 ^ v2); v14 = Rot16(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot12(v5 ^ v10); v6 = Rot12(v6 ^ v11); v7 = Rot12(v7 ^ v8); v4 = Rot12(v4 ^ v9);
        v0 += v5 + m3; v1 += v6 + m10; v2 += v7 + m6; v3 += v4 + m7;
        v15 = Rot8(v15 ^ v0); v12 = Rot8(v12 ^ v1); v13 = Rot8(v13 ^ v2); v14 = Rot8(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot7(v5 ^ v10); v6 = Rot7(v6 ^ v11); v7 = Rot7(v7 ^ v8); v4 = Rot7(v4 ^ v9);
        // Round 7.
        v0 += v4 + m11; v1 += v5 + m5; v2 += v6 + m1; v3 += v7 + m8;
        v12 = Rot16(v12 ^ v0); v13 = Rot16(v13 ^ v1); v14 = Rot16(v14 ^ v2); v15 = Rot16(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot12(v4 ^ v8); v5 = Rot12(v5 ^ v9); v6 = Rot12(v6 ^ v10); v7 = Rot12(v7 ^ v11);
        v0 += v4 + m15; v1 += v5 + m0; v2 += v6 + m9; v3 += v7 + m6;
        v12 = Rot8(v12 ^ v0); v13 = Rot8(v13 ^ v1); v14 = Rot8(v14 ^ v2); v15 = Rot8(v15 ^ v3);
        v8 += v12; v9 += v13; v10 += v14; v11 += v15;
        v4 = Rot7(v4 ^ v8); v5 = Rot7(v5 ^ v9); v6 = Rot7(v6 ^ v10); v7 = Rot7(v7 ^ v11);
        v0 += v5 + m14; v1 += v6 + m2; v2 += v7 + m3; v3 += v4 + m7;
        v15 = Rot16(v15 ^ v0); v12 = Rot16(v12 ^ v1); v13 = Rot16(v13 ^ v2); v14 = Rot16(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot12(v5 ^ v10); v6 = Rot12(v6 ^ v11); v7 = Rot12(v7 ^ v8); v4 = Rot12(v4 ^ v9);
        v0 += v5 + m10; v1 += v6 + m12; v2 += v7 + m4; v3 += v4 + m13;
        v15 = Rot8(v15 ^ v0); v12 = Rot8(v12 ^ v1); v13 = Rot8(v13 ^ v2); v14 = Rot8(v14 ^ v3);
        v10 += v15; v11 += v12; v8 += v13; v9 += v14;
        v5 = Rot7(v5 ^ v10); v6 = Rot7(v6 ^ v11); v7 = Rot7(v7 ^ v8); v4 = Rot7(v4 ^ v9);
        result = result[..8];
        result[0] = v0 ^ v8; result[1] = v1 ^ v9; result[2] = v2 ^ v10; result[3] = v3 ^ v11;
        result[4] = v4 ^ v12; result[5] = v5 ^ v13; result[6] = v6 ^ v14; result[7] = v7 ^ v15;
    }

    private static uint Rot16(uint x) => BitOperations.RotateRight(x, 16);

    private static uint Rot12(uint x) => BitOperations.RotateRight(x, 12);

    private static uint Rot8(uint x) => BitOperations.RotateRight(x, 8);

    private static uint Rot7(uint x) => BitOperations.RotateRight(x, 7);
}
