namespace Archiver.Stores.Oss;

/// <summary>
/// OSS's S3-compatible endpoint of a region, <c>https://s3.oss-REGION[-internal].aliyuncs.com</c>
/// (https://www.alibabacloud.com/help/en/oss/developer-reference/use-amazon-s3-sdks-to-access-oss),
/// and the region back from such a host.
/// </summary>
public static class OssEndpoint
{
    /// <summary>The endpoint of <paramref name="region"/>; the internal one (from inside the region's VPC) when <paramref name="isInternal"/>.</summary>
    public static string For(string region, bool isInternal) => $"https://s3.oss-{region}{(isInternal ? "-internal" : "")}.aliyuncs.com";

    /// <summary>"s3.oss-cn-hangzhou-internal.aliyuncs.com" → "cn-hangzhou"; null for a host without "oss-".</summary>
    public static string? RegionOf(string host)
    {
        var at = host.IndexOf("oss-", StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = host[(at + 4)..];
        var dot = rest.IndexOf('.');
        var region = dot < 0 ? rest : rest[..dot];
        return region.EndsWith("-internal", StringComparison.Ordinal) ? region[..^9] : region;
    }
}
