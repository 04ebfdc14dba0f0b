using System.Text.Json;
using Archiver.Archives;

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
    /// (no copy of the whole file in memory); null when there is none. Throws
    /// <see cref="InvalidDataException"/> when the object is not a manifest.
    /// </summary>
    public static async Task<ArchiveManifest?> ReadManifestAsync(this IArchiveStore store, string archiveKey, CancellationToken cancellationToken)
    {
        var key = ArchiveManifest.KeyFor(archiveKey);
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
                return await JsonSerializer.DeserializeAsync<ArchiveManifest>(content, ArchiveManifest.Json, cancellationToken)
                    ?? throw new InvalidDataException($"manifest {key} is empty");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"manifest {key} is not valid JSON ({e.Message})", e);
            }
        }
    }

    /// <summary>The manifest, or null when it is missing or unreadable: either way the archive
    /// cannot be proven by it (verify, adopt, list).</summary>
    public static async Task<ArchiveManifest?> ReadManifestOrNullAsync(this IArchiveStore store, string archiveKey, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadManifestAsync(archiveKey, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
