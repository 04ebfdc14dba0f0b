using System.IO.Hashing;
using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Archiver.Archives;
using Archiver.Encryption;

namespace Archiver.Stores;

public static class ArchiveStoreExtensions
{
    /// <summary>Writes bytes already in memory as one object.</summary>
    public static async Task PutAsync(this IArchiveStore store, string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await using var stream = new ReadOnlyMemoryStream(content);
        await store.PutAsync(key, stream, cancellationToken);
    }

    /// <summary>Aborts every unfinished upload of exactly <paramref name="key"/> (a listing by prefix
    /// also returns longer keys; those are left alone) and returns them. Only for a caller that
    /// owns the key: any other writer's upload of it is aborted too.</summary>
    public static async Task<IReadOnlyList<PendingUpload>> AbortPendingUploadsAsync(this IArchiveStore store, string key, CancellationToken cancellationToken)
    {
        var pending = new List<PendingUpload>();
        await foreach (var u in store.ListPendingUploadsAsync(key, cancellationToken))
            if (u.Key == key) pending.Add(u);
        foreach (var u in pending) await store.AbortUploadAsync(u.Key, u.UploadId, cancellationToken);
        return pending;
    }

    /// <summary>
    /// The manifest beside archive <paramref name="archiveKey"/>, parsed as it streams from the store
    /// (no copy of the whole file in memory; an encrypted one decrypted on the way); null when there
    /// is none. Throws <see cref="InvalidDataException"/> when the object is not a manifest,
    /// <see cref="MissingIdentityException"/> for an encrypted archive without
    /// <paramref name="identities"/>, and <see cref="AgeIdentityMismatchException"/> when none of them opens it.
    /// </summary>
    public static async Task<ArchiveManifest?> ReadManifestAsync(this IArchiveStore store, string archiveKey, CancellationToken cancellationToken,
        IReadOnlyList<AgeIdentity>? identities = null)
    {
        var key = ArchiveKeys.ManifestFor(archiveKey);
        var encrypted = ArchiveKeys.IsEncrypted(archiveKey);
        if (encrypted && identities is null) throw new MissingIdentityException(archiveKey);
        ArchiveManifest.WarmUpReader();
        Stream content;
        try
        {
            content = await store.OpenReadAsync(key, cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        await using (content)
        {
            try
            {
                await using var json = encrypted ? AgeDecryptingStream.Open(new BufferedStream(content, 1 << 16), identities!) : content;
                return await JsonSerializer.DeserializeAsync<ArchiveManifest>(json, ArchiveManifest.Json, cancellationToken)
                    ?? throw new InvalidDataException($"manifest {key} is empty");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"manifest {key} is not valid JSON ({e.Message})", e);
            }
            catch (InvalidDataException e) when (encrypted && !e.Message.Contains(key, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"manifest {key}: {e.Message}", e);
            }
        }
    }

    /// <summary>The manifest, or null when it is missing, unreadable, or encrypted and no identity
    /// is given: either way the archive cannot be proven by it (verify, adopt, list).</summary>
    public static async Task<ArchiveManifest?> ReadManifestOrNullAsync(this IArchiveStore store, string archiveKey, CancellationToken cancellationToken,
        IReadOnlyList<AgeIdentity>? identities = null)
    {
        if (ArchiveKeys.IsEncrypted(archiveKey) && identities is null) return null;
        try
        {
            return await store.ReadManifestAsync(archiveKey, cancellationToken, identities);
        }
        catch (Exception e) when (e is InvalidDataException or AgeIdentityMismatchException)
        {
            return null;
        }
    }

    /// <summary>The size and SHA-256 the manifest beside a plain archive gives it, read without building
    /// its entries (<see cref="ManifestArchiveReader"/>); null when there is no manifest. Throws
    /// <see cref="InvalidDataException"/> when it is not well-formed JSON or does not give both.</summary>
    public static async Task<StoredDigest?> ReadManifestArchiveAsync(this IArchiveStore store, string archiveKey, CancellationToken cancellationToken)
    {
        var key = ArchiveKeys.ManifestFor(archiveKey);
        try
        {
            await using var content = await store.OpenReadAsync(key, cancellationToken);
            return await ManifestArchiveReader.ReadAsync(content, cancellationToken)
                ?? throw new InvalidDataException($"manifest {key} does not give the archive's size and sha256");
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"manifest {key} is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>The integrity record beside an encrypted archive; null when there is none. Throws
    /// <see cref="InvalidDataException"/> when the object is not one.</summary>
    public static async Task<IntegrityRecord?> ReadIntegrityAsync(this IArchiveStore store, string archiveKey, CancellationToken cancellationToken)
    {
        var key = ArchiveKeys.IntegrityFor(archiveKey);
        try
        {
            await using var content = await store.OpenReadAsync(key, cancellationToken);
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            return IntegrityRecord.Parse(key, buffer.ToArray());
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Reads the object at <paramref name="key"/> to its end and returns its size and SHA-256
    /// (lowercase hex), in memory that does not grow with it: what the store holds, byte for byte.
    /// Throws <see cref="ObjectNotFoundException"/> when there is no such object.</summary>
    public static async Task<StoredDigest> ReadDigestAsync(this IArchiveStore store, string key, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var size = await store.ReadAllAsync(key, (buffer, n) => hash.AppendData(buffer, 0, n), cancellationToken);
        return new StoredDigest(size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>As <see cref="ReadDigestAsync"/>, with XxHash128 (lowercase hex) instead of SHA-256: to
    /// compare a read-back with what was written when the SHA-256 was already taken on the write.</summary>
    public static async Task<(long Size, string Xxh128)> ReadXxh128Async(this IArchiveStore store, string key, CancellationToken cancellationToken)
    {
        var hash = new XxHash128();
        var size = await store.ReadAllAsync(key, (buffer, n) => hash.Append(buffer.AsSpan(0, n)), cancellationToken);
        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static async Task<long> ReadAllAsync(this IArchiveStore store, string key, Action<byte[], int> append, CancellationToken cancellationToken)
    {
        await using var content = await store.OpenReadAsync(key, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long size = 0;
            int n;
            while ((n = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                append(buffer, n);
                size += n;
            }
            return size;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
