using System.Globalization;

namespace Archiver.Stores.S3;

/// <summary>Sizes in store options: <c>16777216</c>, <c>16MiB</c>, <c>16M</c>, <c>512KiB</c>, <c>1GiB</c>
/// (K/M/G and KB/MB/GB are read as binary units too, as people mean them for part sizes).</summary>
public static class ByteSize
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var t = text.Trim();
        var i = 0;
        while (i < t.Length && char.IsAsciiDigit(t[i])) i++;
        if (i == 0 || !long.TryParse(t[..i], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
        long unit = t[i..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            _ => 0,
        };
        if (unit == 0 || n > long.MaxValue / unit) return false;
        bytes = n * unit;
        return true;
    }
}
