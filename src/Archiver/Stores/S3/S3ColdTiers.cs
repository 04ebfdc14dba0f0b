namespace Archiver.Stores.S3;

/// <summary>
/// Storage classes whose objects cannot be read until thawed, and how long a Standard-tier thaw
/// takes, from the providers' pages:
/// AWS "Understanding archive retrieval options" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html):
/// GLACIER (Flexible Retrieval) 3-5 hours, DEEP_ARCHIVE within 12 hours; the Intelligent-Tiering
/// archive tiers answer like them. Alibaba "RestoreObject" (https://www.alibabacloud.com/help/en/oss/developer-reference/restoreobject):
/// Archive about a minute, ColdArchive 2-5 hours, DeepColdArchive within 48 hours.
/// A GET of such an object fails with 403 InvalidObjectState on both (AWS GetObject, "InvalidObjectState").
/// </summary>
public static class S3ColdTiers
{
    public const string InvalidObjectState = "InvalidObjectState";

    private static readonly Dictionary<string, string> StandardThaw = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GLACIER"] = "3-5 hours",
        ["DEEP_ARCHIVE"] = "up to 12 hours",
        ["INTELLIGENT_TIERING"] = "3-5 hours (up to 12 hours from the deep archive tier)",
        ["Archive"] = "about a minute",
        ["ColdArchive"] = "2-5 hours",
        ["DeepColdArchive"] = "up to 48 hours",
    };

    /// <summary>True for the classes whose objects must be thawed before a read (not GLACIER_IR, which
    /// is read at once).</summary>
    public static bool IsArchived(string? storageClass) =>
        storageClass is not null && StandardThaw.ContainsKey(storageClass) && storageClass != "INTELLIGENT_TIERING";

    /// <summary>How long a Standard-tier thaw takes, for people.</summary>
    public static string Estimate(string? storageClass) =>
        storageClass is not null && StandardThaw.TryGetValue(storageClass, out var e) ? e : "a few hours";
}
