using System.Buffers;
using System.Security.Cryptography;
using Archiver.Archives;
using Archiver.Journal;
using Archiver.Policies;
using Archiver.Stores;

namespace Archiver.Pipeline;

/// <summary>
/// Stage 6: prove the stored archive is what was written before anything is deleted: its size,
/// the manifest beside it (read back, naming the same size and SHA-256), and with
/// <c>verify: full</c> the archive's bytes re-read and re-hashed.
/// </summary>
public static class VerifyStage
{
    /// <summary>Returns null when the archive checks out, otherwise what is wrong.</summary>
    public static async Task<string?> CheckAsync(SweepContext ctx, JournalRecord record, CancellationToken cancellationToken)
    {
        var stored = await ctx.Store.StatAsync(record.Key, cancellationToken);
        if (stored is null) return $"archive {record.Key} is missing from {ctx.Store.Location}";
        if (stored.Size != record.ArchiveSize) return $"archive {record.Key} has {stored.Size} bytes in the store, {record.ArchiveSize} were written";
        var manifest = await ctx.Store.ReadManifestOrNullAsync(record.Key, cancellationToken);
        if (manifest is null) return $"manifest {ArchiveManifest.KeyFor(record.Key)} is missing";
        if (manifest.Archive.Size != record.ArchiveSize || manifest.Archive.Sha256 != record.ArchiveSha256)
            return $"manifest {ArchiveManifest.KeyFor(record.Key)} describes a different archive (size {manifest.Archive.Size}, sha256 {manifest.Archive.Sha256})";
        if (ctx.VerifyMode == VerifyMode.Full)
        {
            await using var content = await ctx.Store.OpenReadAsync(record.Key, cancellationToken);
            var (sha, size) = await HashAsync(content, cancellationToken);
            if (size != record.ArchiveSize || sha != record.ArchiveSha256)
                return $"archive {record.Key} read back as {size} bytes with sha256 {sha}; {record.ArchiveSize} bytes with sha256 {record.ArchiveSha256} were written";
        }
        return null;
    }

    public static async Task<(string Sha256, long Size)> HashAsync(Stream content, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long size = 0;
            int n;
            while ((n = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                size += n;
            }
            return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
