namespace Archiver.Stores;

/// <summary>The object is in an archive storage class (S3 GLACIER / DEEP_ARCHIVE, OSS Archive /
/// ColdArchive / DeepColdArchive) and cannot be read until it is thawed (RestoreObject). The message
/// says what to run and roughly how long a thaw takes.</summary>
public sealed class ArchivedObjectException(string key, string storageClass, string message, Exception? inner = null)
    : StoreException(message, inner)
{
    public string Key { get; } = key;

    public string StorageClass { get; } = storageClass;
}
