using Archiver.Archives;
using Archiver.Encryption;
using Archiver.FileSystem;
using Archiver.Stores;

namespace Archiver.Pipeline;

/// <summary>
/// The objects beside an age-encrypted archive: its manifest, encrypted to the same recipients
/// (<c>K.manifest.json.age</c>), then the plaintext <see cref="IntegrityRecord"/> of both objects'
/// sizes and SHA-256 (<c>K.integrity.json</c>), which is what the daemon verifies: it never holds
/// the private key.
/// </summary>
public static class EncryptedSidecars
{
    public static async Task PutAsync(IArchiveStore store, string archiveKey, string manifestSpool, IReadOnlyList<AgeRecipient> recipients,
        StoredDigest archive, CancellationToken cancellationToken)
    {
        var encryptedSpool = manifestSpool + ArchiveKeys.EncryptedSuffix;
        try
        {
            StoredDigest manifest;
            await using (var output = new FileStream(encryptedSpool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                using (var hashing = new HashingStream(output))
                {
                    await using (var plain = new FileStream(manifestSpool, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                    using (var age = new AgeEncryptingStream(hashing, recipients, leaveOpen: true))
                    {
                        await plain.CopyToAsync(age, cancellationToken);
                        age.Finish();
                    }
                    manifest = new StoredDigest(hashing.BytesWritten, hashing.FinishHash());
                }
                output.Position = 0;
                await store.PutAsync(ArchiveKeys.ManifestFor(archiveKey), output, cancellationToken);
            }
            var integrity = new IntegrityRecord { Archive = archive, Manifest = manifest };
            await store.PutAsync(ArchiveKeys.IntegrityFor(archiveKey), integrity.ToJson(), cancellationToken);
        }
        finally
        {
            Durable.TryDelete(encryptedSpool);
        }
    }
}
