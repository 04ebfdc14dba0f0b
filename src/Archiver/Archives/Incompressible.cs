namespace Archiver.Archives;

/// <summary>
/// Tells a gzip block that deflate cannot shrink (already compressed or encrypted data: rotated
/// <c>.gz</c> logs, images, blobs) before deflate spends its time on it. zlib-ng at level 6 runs
/// at about 45 MB/s over such data and then stores it anyway; stored at level 0 it runs at over
/// 2 GB/s, to the same size (stored blocks either way). pigz and gzip make no such check.
/// <para>
/// The test is the byte entropy of <see cref="Samples"/> stretches of <see cref="SampleSize"/>
/// bytes spread over the block: the block is stored only when every stretch measures at least
/// <see cref="MinBitsPerByte"/> bits per byte. Random and compressed data measure 7.94–7.96 over
/// 4 KiB (the estimate falls short of 8 on so few bytes); text 4.5–5.5, binaries 2–6.5, base64 6.
/// A stretch holding a tar header or any text falls far below the threshold, so a block mixing
/// files is compressed as before. What storing can cost is bounded by the threshold: order-0
/// coding of data at 7.9 bits per byte saves at most ~1.3 %, and deflate's matches reach back
/// only 32 KiB, which a stretch of this entropy does not repeat in real files.
/// </para>
/// </summary>
internal static class Incompressible
{
    public const int Samples = 8;
    public const int SampleSize = 4096;
    public const double MinBitsPerByte = 7.9;

    /// <summary>True when every sampled stretch of <paramref name="block"/> is near-random; blocks
    /// shorter than all samples together are never called incompressible.</summary>
    public static bool Looks(ReadOnlySpan<byte> block)
    {
        if (block.Length < Samples * SampleSize) return false;
        Span<int> counts = stackalloc int[256];
        var step = (block.Length - SampleSize) / (Samples - 1);
        for (var i = 0; i < Samples; i++)
        {
            counts.Clear();
            foreach (var b in block.Slice(i * step, SampleSize)) counts[b]++;
            if (BitsPerByte(counts, SampleSize) < MinBitsPerByte) return false;
        }
        return true;
    }

    /// <summary>Shannon entropy of a byte histogram: log2(n) − Σ c·log2(c) / n.</summary>
    private static double BitsPerByte(ReadOnlySpan<int> counts, int n)
    {
        double sum = 0;
        foreach (var c in counts)
            if (c > 1) sum += c * Math.Log2(c);
        return Math.Log2(n) - sum / n;
    }
}
