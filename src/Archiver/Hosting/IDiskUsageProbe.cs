namespace Archiver.Hosting;

/// <summary>How full the file system holding a path is. Injectable so tests can drive disk pressure.</summary>
public interface IDiskUsageProbe
{
    DiskUsage Measure(string path);
}

/// <summary>One file system's bytes, as <c>df</c> counts them: used = total - free, and the
/// percentage is used / (used + available to non-root users).</summary>
public sealed record DiskUsage(long UsedBytes, long TotalBytes, long AvailableBytes)
{
    public double UsedPercent => UsedBytes + AvailableBytes <= 0 ? 0 : 100.0 * UsedBytes / (UsedBytes + AvailableBytes);

    /// <summary>For tests and fakes: a file system of <paramref name="total"/> bytes, <paramref name="used"/> used.</summary>
    public static DiskUsage Of(long used, long total) => new(used, total, total - used);
}
