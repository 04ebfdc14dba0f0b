using Archiver.Archives;
using Archiver.Encryption;
using Archiver.Stores;
using Serilog;

namespace Archiver.Restore;

/// <summary>
/// Streams one archive from a store into a target directory: stored bytes → SHA-256 → (age decrypter) → decompressor
/// → entries → <see cref="SafeExtractor"/>, with no temporary copy. Each file is hashed as it is
/// written and checked against the manifest; the archive's own hash is checked at the end. Stops at
/// the first unsafe or unwritable entry and records what was written up to then.
/// </summary>
public static class Restorer
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(Restorer));

    /// <summary>Reads the manifest beside <paramref name="key"/>; null when there is none.</summary>
    public static async Task<ArchiveManifest?> ReadManifestAsync(IArchiveStore store, string key, CancellationToken cancellationToken,
        IReadOnlyList<AgeIdentity>? identities = null)
    {
        try
        {
            return await store.ReadManifestAsync(key, cancellationToken, identities);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{e.Message}; restore with --no-manifest to skip the checks", e);
        }
    }

    /// <param name="identities">age identities for an encrypted archive (<c>.age</c>); the stored
    /// ciphertext is hashed and checked against the manifest, the plaintext extracted.</param>
    /// <param name="bytesRead">told how many more bytes of the stored archive were read, for a progress line.</param>
    public static async Task<RestoreReport> RunAsync(IArchiveStore store, string key, ArchiveManifest? manifest, string target, bool restoreOwner, CancellationToken cancellationToken,
        IReadOnlyList<AgeIdentity>? identities = null, Action<long>? bytesRead = null)
    {
        if (ArchiveKeys.IsEncrypted(key) && identities is null) throw new MissingIdentityException(key);
        var report = new RestoreReport { Key = key, Target = target, Check = manifest is null ? null : new ManifestCheck(manifest) };
        await using var stored = await store.OpenReadAsync(key, cancellationToken);
        await using var watched = bytesRead is null ? stored : new ProgressStream(stored, bytesRead);
        await Task.Run(() => Extract(watched, report, restoreOwner, identities, cancellationToken), cancellationToken);
        return report;
    }

    private static void Extract(Stream stored, RestoreReport report, bool restoreOwner, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        using var hashing = new HashingReadStream(stored);
        using var buffered = new BufferedStream(hashing, 1 << 17);
        using var extractor = new SafeExtractor(report.Target, restoreOwner);
        try
        {
            using var plain = ArchiveKeys.IsEncrypted(report.Key) ? AgeDecryptingStream.Open(buffered, identities!, leaveOpen: true) : null;
            using (var reader = ArchiveReaders.Open(ArchiveKeys.Plain(report.Key), (Stream?)plain ?? buffered))
            {
                while (reader.Next() is { } item)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    report.FailedEntry = item.Name;
                    var parts = EntryPath.Components(item.Name);
                    var path = string.Join('/', parts);
                    if (item.Kind == ItemKind.Unsupported)
                    {
                        report.Skipped.Add($"{UnsafeEntryException.Printable(path)}: {item.TypeDescription} entries are not restored");
                        report.FailedEntry = null;
                        continue;
                    }
                    if (item.Warning is { } warning)
                    {
                        report.Warnings.Add(warning);
                        Log.Warning("Restoring {Key}: {Warning}", report.Key, warning);
                    }
                    var written = extractor.Extract(item, parts);
                    report.FailedEntry = null;
                    if (parts.Length == 0) continue;
                    report.Entries++;
                    report.LastWritten = path;
                    if (written is { } w)
                    {
                        report.Files++;
                        report.Bytes += w.Size;
                    }
                    report.Check?.Entry(item, path, written);
                }
            }
            report.FailedEntry = null;
            extractor.Finish();
            report.ArchiveSize = hashing.BytesRead;
            report.ArchiveSha256 = hashing.FinishHash();
            report.Check?.Finish(report.ArchiveSize, report.ArchiveSha256);
            Log.Information("Restored {Key} to {Target}: {Entries} entries, {Bytes} bytes", report.Key, report.Target, report.Entries, report.Bytes);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            report.Failure = e;
            Log.Error("Restore of {Key} to {Target} stopped after {Entries} entries: {Reason}", report.Key, report.Target, report.Entries, e.Message);
            try
            {
                extractor.Finish(); // what was written keeps its archived modes and times
            }
            catch (IOException)
            {
            }
        }
    }
}
