using Amazon.S3.Model;

namespace Archiver.Stores.S3;

/// <summary>
/// How an <c>oss://</c> store asks for a storage class, server-side encryption and tags. OSS's
/// S3-compatible endpoint stores an object sent with <c>x-amz-storage-class</c> as Standard whatever
/// the value (aliyun/aliyun-oss-java-sdk#376; gobackup's OSS page), but honours OSS's own
/// <c>x-oss-storage-class</c>; so these go as the x-oss-* headers of OSS's PutObject and
/// InitiateMultipartUpload (https://www.alibabacloud.com/help/en/oss/developer-reference/putobject),
/// with OSS's values. PutObjectTagging is not among the S3 operations OSS supports, so tags travel
/// with the object as <c>x-oss-tagging</c>. See docs/stores.md.
/// </summary>
internal static class OssRequestHeaders
{
    /// <summary>x-oss-storage-class values (Alibaba error pages 0017-00000131/132).</summary>
    public static readonly IReadOnlyList<string> StorageClasses = ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"];

    /// <summary>x-oss-server-side-encryption values (PutObject).</summary>
    public static readonly IReadOnlyList<string> Encryptions = ["AES256", "KMS", "SM4"];

    /// <summary>Headers for an archive (a multipart upload).</summary>
    public static void ForArchive(S3StoreOptions o, HeadersCollection headers)
    {
        if (o.StorageClass is { } sc) headers["x-oss-storage-class"] = sc;
        Common(o, headers);
    }

    /// <summary>Headers for a manifest: Standard whenever a class is chosen, so it can be read back at
    /// once (an Archive object cannot be read before it is restored).</summary>
    public static void ForManifest(S3StoreOptions o, HeadersCollection headers)
    {
        if (o.StorageClass is not null) headers["x-oss-storage-class"] = "Standard";
        Common(o, headers);
    }

    private static void Common(S3StoreOptions o, HeadersCollection headers)
    {
        if (o.Sse is { } sse) headers["x-oss-server-side-encryption"] = sse;
        if (o.KmsKeyId is { } kms) headers["x-oss-server-side-encryption-key-id"] = kms;
        if (o.Tags.Count > 0)
            headers["x-oss-tagging"] = string.Join('&', o.Tags.Select(t => $"{Uri.EscapeDataString(t.Key)}={Uri.EscapeDataString(t.Value)}"));
    }
}
