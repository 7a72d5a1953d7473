namespace Keel.Reproduction.Bundles;

/// <summary>Caps that keep a hostile bundle from filling the disk: total unpacked bytes, entries, and (for a gzip-compressed bundle) the expansion ratio.</summary>
public sealed record BundleLimits(long MaxTotalBytes, int MaxEntries, double MaxCompressionRatio)
{
    public static BundleLimits Default { get; } = new(1L << 40, 10_000_000, 100);
}
