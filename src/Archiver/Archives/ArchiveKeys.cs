namespace Archiver.Archives;

/// <summary>
/// The objects of one archive and how their keys relate. A plain archive <c>K</c> (e.g.
/// <c>….tar.gz</c>) has <c>K.manifest.json</c>. An age-encrypted archive <c>K.age</c> has
/// <c>K.manifest.json.age</c> (the manifest, encrypted too) and <c>K.integrity.json</c>, a plaintext
/// record of both objects' sizes and SHA-256 that names no file (<see cref="IntegrityRecord"/>).
/// </summary>
public static class ArchiveKeys
{
    public const string EncryptedSuffix = ".age";
    public const string ManifestSuffix = ".manifest.json";
    public const string IntegritySuffix = ".integrity.json";
    private const string EncryptedManifestSuffix = ManifestSuffix + EncryptedSuffix;

    public static bool IsEncrypted(string archiveKey) => archiveKey.EndsWith(EncryptedSuffix, StringComparison.Ordinal);

    /// <summary>The key without <c>.age</c>: its suffix names the compression (<c>.tar.gz</c>, <c>.tar.zst</c>).</summary>
    public static string Plain(string archiveKey) => IsEncrypted(archiveKey) ? archiveKey[..^EncryptedSuffix.Length] : archiveKey;

    /// <summary>The manifest's key: <c>K.manifest.json</c>, or <c>K.manifest.json.age</c> for <c>K.age</c>.</summary>
    public static string ManifestFor(string archiveKey) =>
        IsEncrypted(archiveKey) ? Plain(archiveKey) + EncryptedManifestSuffix : archiveKey + ManifestSuffix;

    public static string IntegrityFor(string archiveKey) => Plain(archiveKey) + IntegritySuffix;

    /// <summary>True for a manifest or integrity record: an object that describes an archive.</summary>
    public static bool IsSidecar(string key) => ArchiveOf(key) is not null;

    /// <summary>The archive a manifest or integrity record describes; null for any other key.</summary>
    public static string? ArchiveOf(string key)
    {
        if (key.EndsWith(EncryptedManifestSuffix, StringComparison.Ordinal)) return key[..^EncryptedManifestSuffix.Length] + EncryptedSuffix;
        if (key.EndsWith(IntegritySuffix, StringComparison.Ordinal)) return key[..^IntegritySuffix.Length] + EncryptedSuffix;
        if (key.EndsWith(ManifestSuffix, StringComparison.Ordinal)) return key[..^ManifestSuffix.Length];
        return null;
    }

    /// <summary>A key given on the command line: an archive's, or one of its manifest or integrity record.</summary>
    public static string ArchiveKeyFrom(string given) => ArchiveOf(given) ?? given;
}
