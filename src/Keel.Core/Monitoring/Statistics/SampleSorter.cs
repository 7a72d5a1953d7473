using System.Buffers;

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
    public static void Sort(Span<double> values)
    {
        if (values.Length < RadixThreshold)
        {
            values.Sort();
            return;
        }

        ulong[] keys = ArrayPool<ulong>.Shared.Rent(values.Length);
        ulong[] scratch = ArrayPool<ulong>.Shared.Rent(values.Length);
        try
        {
            Span<ulong> src = keys.AsSpan(0, values.Length);
            Span<ulong> dst = scratch.AsSpan(0, values.Length);
            for (int i = 0; i < values.Length; i++)
            {
                src[i] = ToKey(values[i]);
            }

            int[] counts = ArrayPool<int>.Shared.Rent(Passes * Buckets);
            Array.Clear(counts, 0, Passes * Buckets);
            foreach (ulong key in src)
            {
                for (int p = 0; p < Passes; p++)
                {
                    counts[(p * Buckets) + (int)((key >> (p * RadixBits)) & (Buckets - 1))]++;
                }
            }

            for (int p = 0; p < Passes; p++)
            {
                Span<int> histogram = counts.AsSpan(p * Buckets, Buckets);
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

                int shift = p * RadixBits;
                foreach (ulong key in src)
                {
                    dst[histogram[(int)((key >> shift) & (Buckets - 1))]++] = key;
                }

                Span<ulong> swap = src;
                src = dst;
                dst = swap;
            }

            for (int i = 0; i < values.Length; i++)
            {
                values[i] = FromKey(src[i]);
            }

            ArrayPool<int>.Shared.Return(counts);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(keys);
            ArrayPool<ulong>.Shared.Return(scratch);
        }
    }

    private static ulong ToKey(double x)
    {
        ulong bits = (ulong)BitConverter.DoubleToInt64Bits(x);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }

    private static double FromKey(ulong key)
    {
        ulong bits = (key & 0x8000_0000_0000_0000UL) != 0 ? key & 0x7FFF_FFFF_FFFF_FFFFUL : ~key;
        return BitConverter.Int64BitsToDouble((long)bits);
    }
}
