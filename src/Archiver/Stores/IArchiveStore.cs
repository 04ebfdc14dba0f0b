namespace Archiver.Stores;

/// <summary>
/// The narrow object-store contract every backend (file, S3, OSS) implements. Keys are relative,
/// '/'-separated, and built by the policy's key template, never by a store; a store only places
/// them under its own location (directory or bucket prefix).
/// <para>Error semantics: "not found" is a value (<c>null</c> from <see cref="StatAsync"/>, nothing from
/// <see cref="ListAsync"/>, no error from deletes). Everything else propagates as
/// <see cref="StoreException"/> whose message names the key and says what to fix; transient errors
/// are retried inside the store before they propagate. Two are outcomes rather than faults:
/// <see cref="ObjectLockedException"/> (a delete Object Lock refused) and <see cref="ArchivedObjectException"/>
/// (a read of an object that must be thawed first).</para>
/// </summary>
public interface IArchiveStore : IAsyncDisposable
{
    /// <summary>Where this store writes, for people: a URL without credentials.</summary>
    string Location { get; }

    /// <summary>True for stores on this machine, where a full read-back verify is cheap.</summary>
    bool IsLocal { get; }

    /// <summary>True when <see cref="ListPendingUploadsAsync"/> finds every upload this store holds
    /// open (a file store lists its <c>.partial-</c> files): a crash's upload is then found by listing
    /// its key, and the journal need not record its id (one journal write fewer per directory).</summary>
    bool ListsEveryPendingUpload => false;

    /// <summary>Starts writing an object. Nothing is visible under <paramref name="key"/> until
    /// <see cref="IObjectUpload.CompleteAsync"/> succeeds; an abort, a failure or a crash never leaves
    /// something under <paramref name="key"/> that looks complete.</summary>
    Task<IObjectUpload> BeginUploadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Aborts an upload that an earlier process started and recorded (its
    /// <see cref="IObjectUpload.UploadId"/>). No error when it is already gone.</summary>
    Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>Uploads never completed or aborted whose keys (the keys they were started with)
    /// start with <paramref name="prefix"/>.</summary>
    IAsyncEnumerable<PendingUpload> ListPendingUploadsAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Writes an object whole in one request (manifests), replacing any object at that key:
    /// the rest of <paramref name="content"/>, which must be seekable (it is read once for its checksum,
    /// then sent). Memory does not depend on its size.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>The object's size and time; null when there is no object at <paramref name="key"/>.</summary>
    Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken);

    /// <summary>Opens the object for reading from its start. Throws <see cref="ObjectNotFoundException"/>
    /// when there is no object at <paramref name="key"/>.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Opens bytes <c>[offset, offset + length)</c> of the object: an HTTP Range GET on
    /// S3/OSS, a seek on a file. Throws <see cref="ObjectNotFoundException"/> when there is no object
    /// at <paramref name="key"/>, and <see cref="StoreException"/> when the object does not hold the
    /// whole range. The default reads from the start and skips: correct, not cheap.</summary>
    async Task<Stream> OpenRangeAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        var whole = await OpenReadAsync(key, cancellationToken);
        try
        {
            await BoundedReadStream.SkipAsync(whole, offset, key, cancellationToken);
            return new BoundedReadStream(whole, length, key);
        }
        catch
        {
            await whole.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completed objects whose keys start with <paramref name="prefix"/>, in key order.</summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes the object; no error when there is none. Throws <see cref="ObjectLockedException"/>
    /// when Object Lock keeps it (a skip to count, not a failure).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Checks, before a sweep or prune writes or deletes anything, that the store is set up as
    /// its options say (S3: Object Lock enabled on the bucket when <c>objectLockMode</c> is set). Throws
    /// <see cref="ConfigurationException"/> when it is not.</summary>
    Task CheckSetupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Makes an object in an archive storage class readable for <paramref name="days"/>
    /// (RestoreObject) and says where that stands. Stores without archive classes have nothing to thaw.</summary>
    Task<ThawStatus> ThawAsync(string key, int days, CancellationToken cancellationToken) =>
        Task.FromResult(new ThawStatus(key, null, ThawState.NotArchived));
}

/// <summary>An object being written. Write the content to <see cref="Content"/>, then complete it.
/// Disposing an upload that was not completed aborts it.</summary>
public interface IObjectUpload : IAsyncDisposable
{
    /// <summary>Identifies the upload so a later process can abort it (S3 upload id, temp file name).</summary>
    string UploadId { get; }

    /// <summary>Write-only stream of the object's bytes.</summary>
    Stream Content { get; }

    /// <summary>Makes the object visible under its key, durably. Returns what is stored.</summary>
    Task<StoredObject> CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Discards everything written; nothing appears under the key.</summary>
    Task AbortAsync(CancellationToken cancellationToken);
}

public sealed record StoredObject(string Key, long Size, DateTimeOffset LastModified);

public sealed record PendingUpload(string Key, string UploadId, DateTimeOffset Started);

public class StoreException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class ObjectNotFoundException(string key, string location)
    : StoreException($"no object {key} in {location}");
