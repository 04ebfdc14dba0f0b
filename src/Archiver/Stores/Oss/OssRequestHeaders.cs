using Amazon.S3.Model;

namespace Archiver.Stores.Oss;

/// <summary>
/// How an <c>oss://</c> store asks for a storage class, server-side encryption and tags. OSS's
/// S3-compatible endpoint stores an object sent with <c>x-amz-storage-class</c> as Standard whatever
/// the value (aliyun/aliyun-oss-java-sdk#376; gobackup's OSS page), but honours OSS's own
/// <c>x-oss-storage-class</c>; so these go as the x-oss-* headers of OSS's PutObject and
/// InitiateMultipartUpload (https://www.alibabacloud.com/help/en/oss/developer-reference/putobject),
/// with OSS's values. PutObjectTagging is not among the S3 operations OSS supports, so tags travel
/// with the object as <c>x-oss-tagging</c>. See docs/stores.md.
/// </summary>
internal sealed record OssRequestHeaders(string? StorageClass, string? Sse, string? KmsKeyId, IReadOnlyList<KeyValuePair<string, string>> Tags)
{
    /// <summary>x-oss-storage-class values (Alibaba error pages 0017-00000131/132).</summary>
    public static readonly IReadOnlyList<string> StorageClasses = ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"];

    /// <summary>x-oss-server-side-encryption values (PutObject).</summary>
    public static readonly IReadOnlyList<string> Encryptions = ["AES256", "KMS", "SM4"];

    /// <summary>What is wrong with these options for OSS, one problem per line into <paramref name="problems"/>.</summary>
    public static void Check(string? storageClass, string? sse, string? kmsKeyId, List<string> problems)
    {
        if (storageClass is not null && !StorageClasses.Contains(storageClass))
            problems.Add($"oss storageClass '{storageClass}' must be one of Standard, IA, Archive, ColdArchive, DeepColdArchive (OSS's names, not S3's)");
        if (sse is not null && !Encryptions.Contains(sse))
            problems.Add($"oss sse '{sse}' must be one of AES256, KMS, SM4 (OSS's names, not S3's)");
        if (kmsKeyId is not null && sse != "KMS") problems.Add("kmsKeyId needs sse: KMS on oss:// stores");
    }

    /// <summary>Headers for an archive (a multipart upload).</summary>
    public void ForArchive(HeadersCollection headers)
    {
        if (StorageClass is { } sc) headers["x-oss-storage-class"] = sc;
        Common(headers);
    }

    /// <summary>Headers for a manifest: Standard whenever a class is chosen, so it can be read back at
    /// once (an Archive object cannot be read before it is restored).</summary>
    public void ForManifest(HeadersCollection headers)
    {
        if (StorageClass is not null) headers["x-oss-storage-class"] = "Standard";
        Common(headers);
    }

    private void Common(HeadersCollection headers)
    {
        if (Sse is { } sse) headers["x-oss-server-side-encryption"] = sse;
        if (KmsKeyId is { } kms) headers["x-oss-server-side-encryption-key-id"] = kms;
        if (Tags.Count > 0)
            headers["x-oss-tagging"] = string.Join('&', Tags.Select(t => $"{Uri.EscapeDataString(t.Key)}={Uri.EscapeDataString(t.Value)}"));
    }
}
