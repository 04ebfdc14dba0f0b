using Archiver.Archives;
using Archiver.Encryption;
using Archiver.Stores;

namespace Archiver.Restore;

/// <summary>
/// <c>archiver verify</c>: a stored archive re-checked against its manifest (the object's size, then
/// every byte re-read and re-hashed), or an encrypted one against its plaintext integrity record and,
/// with identities, its decrypted manifest entry by entry. The sweep's own check, against what it
/// wrote, is <c>Pipeline/VerifyStage</c>; both read the stored bytes with
/// <see cref="ArchiveStoreExtensions.ReadDigestAsync"/>.
/// </summary>
public static class ArchiveVerifier
{
    /// <summary>Checks the archive at <paramref name="key"/>; a store error that names the object
    /// (<see cref="ArchivedObjectException"/>) is a problem of that archive, not a failure.</summary>
    public static async Task<ArchiveVerification> VerifyAsync(IArchiveStore store, string key, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        try
        {
            return ArchiveKeys.IsEncrypted(key)
                ? await VerifyEncryptedAsync(store, key, identities, cancellationToken)
                : await VerifyPlainAsync(store, key, cancellationToken);
        }
        catch (ArchivedObjectException e)
        {
            return new ArchiveVerification(key, false, null, null, [e.Message]);
        }
    }

    private static async Task<ArchiveVerification> VerifyPlainAsync(IArchiveStore store, string key, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var stored = await store.StatAsync(key, cancellationToken);
        if (stored is null) return new ArchiveVerification(key, false, null, null, [$"no archive at {key} in {store.Location}"]);
        var manifest = await store.ReadManifestOrNullAsync(key, cancellationToken);
        if (manifest is null) return new ArchiveVerification(key, false, stored.Size, null, [$"manifest {ArchiveKeys.ManifestFor(key)} is missing or unreadable; the archive cannot be checked"]);
        if (manifest.Key.Length > 0 && manifest.Key != key)
            problems.Add($"the manifest describes key {manifest.Key}, not {key}");
        if (stored.Size != manifest.Archive.Size)
            problems.Add($"size: the store holds {stored.Size} bytes, the manifest says {manifest.Archive.Size}");
        var read = await store.ReadDigestAsync(key, cancellationToken);
        if (read.Size != manifest.Archive.Size)
            problems.Add($"read back {read.Size} bytes, the manifest says {manifest.Archive.Size}");
        if (!string.Equals(read.Sha256, manifest.Archive.Sha256, StringComparison.OrdinalIgnoreCase))
            problems.Add($"sha256: read back {read.Sha256}, the manifest says {manifest.Archive.Sha256}");
        return new ArchiveVerification(key, problems.Count == 0, read.Size, read.Sha256, problems);
    }

    /// <summary>The stored archive and manifest against the integrity record; with identities, also
    /// the decrypted manifest and every entry of the decrypted archive.</summary>
    private static async Task<ArchiveVerification> VerifyEncryptedAsync(IArchiveStore store, string key, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        var stored = await store.StatAsync(key, cancellationToken);
        if (stored is null) return new ArchiveVerification(key, false, null, null, [$"no archive at {key} in {store.Location}"]);
        var integrity = await store.ReadIntegrityAsync(key, cancellationToken);
        if (integrity is null) return new ArchiveVerification(key, false, stored.Size, null, [$"integrity record {ArchiveKeys.IntegrityFor(key)} is missing; the encrypted archive cannot be checked without an identity"]);
        var problems = new List<string>();
        var manifestKey = ArchiveKeys.ManifestFor(key);
        if (await store.StatAsync(manifestKey, cancellationToken) is null) problems.Add($"manifest {manifestKey} is missing");
        else Compare(problems, "manifest", await store.ReadDigestAsync(manifestKey, cancellationToken), integrity.Manifest);
        if (identities is null)
        {
            var read = await store.ReadDigestAsync(key, cancellationToken);
            Compare(problems, "archive", read, integrity.Archive);
            return new ArchiveVerification(key, problems.Count == 0, read.Size, read.Sha256, problems);
        }
        try
        {
            var manifest = await store.ReadManifestAsync(key, cancellationToken, identities);
            if (manifest is null) return new ArchiveVerification(key, false, stored.Size, null, [.. problems, $"manifest {manifestKey} is missing"]);
            if (manifest.Key.Length > 0 && manifest.Key != key) problems.Add($"the manifest describes key {manifest.Key}, not {key}");
            if (manifest.Archive.Size != integrity.Archive.Size || manifest.Archive.Sha256 != integrity.Archive.Sha256)
                problems.Add($"the manifest names {manifest.Archive.Size} bytes with sha256 {manifest.Archive.Sha256}; the integrity record {integrity.Archive.Size} bytes with sha256 {integrity.Archive.Sha256}");
            await using var content = await store.OpenReadAsync(key, cancellationToken);
            var check = await Task.Run(() => ArchiveContentCheck.Run(content, key, manifest, identities, cancellationToken), cancellationToken);
            problems.AddRange(check.Mismatches);
        }
        catch (Exception e) when (e is InvalidDataException or AgeIdentityMismatchException or UnsafeEntryException)
        {
            problems.Add(e.Message);
        }
        return new ArchiveVerification(key, problems.Count == 0, integrity.Archive.Size, integrity.Archive.Sha256, problems);
    }

    private static void Compare(List<string> problems, string what, StoredDigest read, StoredDigest expected)
    {
        if (read.Size != expected.Size) problems.Add($"{what}: read back {read.Size} bytes, the integrity record says {expected.Size}");
        else if (!string.Equals(read.Sha256, expected.Sha256, StringComparison.OrdinalIgnoreCase)) problems.Add($"{what}: sha256 read back {read.Sha256}, the integrity record says {expected.Sha256}");
    }
}
