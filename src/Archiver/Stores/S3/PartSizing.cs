namespace Archiver.Stores.S3;

/// <summary>
/// Part sizes for an upload of unknown total size. S3 allows at most 10,000 parts of 5 MiB to
/// 5 GiB each (the last may be smaller). Parts start at the configured size and double after
/// every 1,000 parts, so small archives use small buffers while 10,000 parts still reach
/// <c>start × 1000 × (2^10 − 1)</c> (about 3.4 TB from the 5 MiB default, as parts are capped at 1 GiB to stay in one array).
/// Memory stays bounded by <c>(uploadConcurrency + archives being written) × current part size</c>;
/// it grows only for archives past a thousand parts (5 GB at the default).
/// </summary>
public static class PartSizing
{
    public const int MaxParts = 10_000;
    public const int PartsPerStep = 1_000;

    /// <summary>The size of part <paramref name="partNumber"/> (1-based).</summary>
    public static long SizeOf(int partNumber, long startSize)
    {
        if (partNumber is < 1 or > MaxParts) throw new ArgumentOutOfRangeException(nameof(partNumber), partNumber, "S3 part numbers run from 1 to 10,000");
        var step = (partNumber - 1) / PartsPerStep;
        return Math.Min(startSize << step, S3StoreOptions.MaxPartSize);
    }
}
