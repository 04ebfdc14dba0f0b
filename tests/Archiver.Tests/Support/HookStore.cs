using Archiver.Stores;

namespace Archiver.Tests.Support;

/// <summary>A real store with a hook after each completed upload: lets a test change the world
/// between "uploaded" and "deleted" (modify the directory, corrupt the object, swap in a symlink).</summary>
public sealed class HookStore(IArchiveStore inner) : IArchiveStore
{
    public Func<string, Task>? AfterComplete { get; set; }

    public string Location => inner.Location;
    public bool IsLocal => inner.IsLocal;

    public async Task<IObjectUpload> BeginUploadAsync(string key, CancellationToken cancellationToken) =>
        new Upload(await inner.BeginUploadAsync(key, cancellationToken), key, this);

    public Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken) => inner.AbortUploadAsync(key, uploadId, cancellationToken);
    public IAsyncEnumerable<PendingUpload> ListPendingUploadsAsync(string prefix, CancellationToken cancellationToken) => inner.ListPendingUploadsAsync(prefix, cancellationToken);
    public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => inner.PutAsync(key, content, cancellationToken);
    public Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken) => inner.StatAsync(key, cancellationToken);
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);
    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);
    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private sealed class Upload(IObjectUpload upload, string key, HookStore owner) : IObjectUpload
    {
        public string UploadId => upload.UploadId;
        public Stream Content => upload.Content;

        public async Task<StoredObject> CompleteAsync(CancellationToken cancellationToken)
        {
            var stored = await upload.CompleteAsync(cancellationToken);
            if (owner.AfterComplete is { } hook) await hook(key);
            return stored;
        }

        public Task AbortAsync(CancellationToken cancellationToken) => upload.AbortAsync(cancellationToken);
        public ValueTask DisposeAsync() => upload.DisposeAsync();
    }
}
