using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Keel.Monitoring.Statistics;

/// <summary>Copies a sample without NaN and sorts it with an LSD radix sort on order-preserving keys.</summary>
internal static class SampleSorter
{
    private const int RadixBits = 11;
    private const int Buckets = 1 << RadixBits;
    private const int Passes = (64 + RadixBits - 1) / RadixBits;
    private const int RadixThreshold = 4096;

    /// <summary>
    /// Writes the non-NaN values of <paramref name="source"/> sorted ascending into a pooled buffer
    /// (caller returns it to <see cref="ArrayPool{T}.Shared"/>) and returns how many were written.
    /// </summary>
    public static int CopySortedWithoutNaN(ReadOnlySpan<double> source, out double[] buffer)
        => CopySorted(source, finiteOnly: false, out buffer);

    /// <summary>As <see cref="CopySortedWithoutNaN"/>, but also drops infinities.</summary>
    public static int CopySortedFinite(ReadOnlySpan<double> source, out double[] buffer)
        => CopySorted(source, finiteOnly: true, out buffer);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CopySorted(ReadOnlySpan<double> source, bool finiteOnly, out double[] buffer)
    {
        buffer = ArrayPool<double>.Shared.Rent(Math.Max(source.Length, 1));
        int count = 0;
        foreach (double x in source)
        {
            if (finiteOnly ? double.IsFinite(x) : !double.IsNaN(x))
            {
                buffer[count++] = x + 0.0; // -0.0 becomes +0.0 so equal values share one key.
            }
        }

        Sort(buffer.AsSpan(0, count));
        return count;
    }

    /// <summary>Sorts finite or infinite (non-NaN) values ascending.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sort(Span<double> values)
    {
        if (values.Length < RadixThreshold)
        {
            values.Sort();
            return;
        }

        // The keys live in the values' own memory; the scratch buffer is the only extra allocation.
        Span<ulong> src = MemoryMarshal.Cast<double, ulong>(values);
        ulong[] scratch = ArrayPool<ulong>.Shared.Rent(values.Length);
        int[] counts = ArrayPool<int>.Shared.Rent(Passes * Buckets);
        try
        {
            Span<ulong> dst = scratch.AsSpan(0, values.Length);
            Span<int> histograms = counts.AsSpan(0, Passes * Buckets);
            histograms.Clear();
            ref int histogramBase = ref MemoryMarshal.GetReference(histograms);
            for (int i = 0; i < src.Length; i++)
            {
                ulong key = ToKey(src[i]);
                src[i] = key;
                for (int p = 0; p < Passes; p++)
                {
                    Unsafe.Add(ref histogramBase, (p * Buckets) + (int)((key >> (p * RadixBits)) & (Buckets - 1)))++;
                }
            }

            for (int p = 0; p < Passes; p++)
            {
                Span<int> histogram = histograms.Slice(p * Buckets, Buckets);
                if (histogram.Contains(values.Length))
                {
                    continue; // Every key shares this digit: the pass would not move anything.
                }

                int offset = 0;
                for (int b = 0; b < Buckets; b++)
                {
                    int c = histogram[b];
                    histogram[b] = offset;
                    offset += c;
                }

                // Offsets come from the histogram of these very keys, so every write stays inside dst.
                int shift = p * RadixBits;
                ref int offsets = ref MemoryMarshal.GetReference(histogram);
                ref ulong target = ref MemoryMarshal.GetReference(dst);
                foreach (ulong key in src)
                {
                    ref int slot = ref Unsafe.Add(ref offsets, (int)((key >> shift) & (Buckets - 1)));
                    Unsafe.Add(ref target, slot++) = key;
                }

                Span<ulong> swap = src;
                src = dst;
                dst = swap;
            }

            Span<ulong> output = MemoryMarshal.Cast<double, ulong>(values);
            for (int i = 0; i < src.Length; i++)
            {
                output[i] = FromKey(src[i]);
            }

        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(scratch);
            ArrayPool<int>.Shared.Return(counts);
        }
    }

    private static ulong ToKey(ulong bits) =>
        (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;

    private static ulong FromKey(ulong key) =>
        (key & 0x8000_0000_0000_0000UL) != 0 ? key & 0x7FFF_FFFF_FFFF_FFFFUL : ~key;
}
