using Archiver.Archives;
using Archiver.Journal;
using Archiver.Policies;
using Archiver.Stores;

namespace Archiver.Pipeline;

/// <summary>
/// Stage 6: prove the stored archive is what was written before anything is deleted: its size,
/// the manifest beside it (read back whole as well-formed JSON, naming the same size and SHA-256), and with
/// <c>verify: full</c> the archive's bytes read back and compared with the XxHash128 taken as they
/// were written, in the same pass as their SHA-256 (an archive adopted from its manifest has none
/// and is re-hashed with SHA-256). An encrypted archive is proven
/// by its plaintext integrity record instead of its manifest: the daemon has no private key.
/// </summary>
public static class VerifyStage
{
    /// <summary>Returns null when the archive checks out, otherwise what is wrong.</summary>
    public static async Task<string?> CheckAsync(SweepContext ctx, JournalRecord record, CancellationToken cancellationToken)
    {
        var stored = await ctx.Store.StatAsync(record.Key, cancellationToken);
        if (stored is null) return $"archive {record.Key} is missing from {ctx.Store.Location}";
        if (stored.Size != record.ArchiveSize) return $"archive {record.Key} has {stored.Size} bytes in the store, {record.ArchiveSize} were written";
        if (ArchiveKeys.IsEncrypted(record.Key))
        {
            if (await CheckEncryptedSidecarsAsync(ctx, record, cancellationToken) is { } problem) return problem;
        }
        else
        {
            StoredDigest? manifest;
            try
            {
                manifest = await ctx.Store.ReadManifestArchiveAsync(record.Key, cancellationToken);
            }
            catch (InvalidDataException e)
            {
                return e.Message;
            }
            if (manifest is null) return $"manifest {ArchiveKeys.ManifestFor(record.Key)} is missing";
            if (manifest.Size != record.ArchiveSize || manifest.Sha256 != record.ArchiveSha256)
                return $"manifest {ArchiveKeys.ManifestFor(record.Key)} describes a different archive (size {manifest.Size}, sha256 {manifest.Sha256})";
        }
        if (ctx.VerifyMode == VerifyMode.Full)
        {
            if (record.ArchiveXxh128 is { } written)
            {
                // The archive's SHA-256 was taken as it was written: the read-back proves the same bytes with a cheaper hash.
                var (size, read) = await ctx.Store.ReadXxh128Async(record.Key, cancellationToken);
                if (size != record.ArchiveSize || read != written)
                    return $"archive {record.Key} read back as {size} bytes with xxh128 {read}; {record.ArchiveSize} bytes with xxh128 {written} were written";
            }
            else
            {
                var read = await ctx.Store.ReadDigestAsync(record.Key, cancellationToken);
                if (read.Size != record.ArchiveSize || read.Sha256 != record.ArchiveSha256)
                    return $"archive {record.Key} read back as {read.Size} bytes with sha256 {read.Sha256}; {record.ArchiveSize} bytes with sha256 {record.ArchiveSha256} were written";
            }
        }
        return null;
    }

    /// <summary>Without the private key: the integrity record names the archive as written, and the
    /// encrypted manifest is stored with the size the record gives it.</summary>
    private static async Task<string?> CheckEncryptedSidecarsAsync(SweepContext ctx, JournalRecord record, CancellationToken cancellationToken)
    {
        var integrityKey = ArchiveKeys.IntegrityFor(record.Key);
        IntegrityRecord? integrity;
        try
        {
            integrity = await ctx.Store.ReadIntegrityAsync(record.Key, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
        if (integrity is null) return $"integrity record {integrityKey} is missing";
        if (integrity.Archive.Size != record.ArchiveSize || integrity.Archive.Sha256 != record.ArchiveSha256)
            return $"integrity record {integrityKey} describes a different archive (size {integrity.Archive.Size}, sha256 {integrity.Archive.Sha256})";
        var manifest = await ctx.Store.StatAsync(ArchiveKeys.ManifestFor(record.Key), cancellationToken);
        if (manifest is null) return $"manifest {ArchiveKeys.ManifestFor(record.Key)} is missing";
        if (manifest.Size != integrity.Manifest.Size)
            return $"manifest {ArchiveKeys.ManifestFor(record.Key)} has {manifest.Size} bytes in the store, {integrity.Manifest.Size} were written";
        return null;
    }
}
