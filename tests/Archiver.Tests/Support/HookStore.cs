using Archiver.Stores;

namespace Archiver.Tests.Support;

/// <summary>A real store with a hook after each completed upload: lets a test change the world
/// between "uploaded" and "deleted" (modify the directory, corrupt the object, swap in a symlink).</summary>
public sealed class HookStore(IArchiveStore inner) : IArchiveStore
{
    public Func<string, Task>? AfterComplete { get; set; }

    /// <summary>Runs on every stat (HEAD), with its key.</summary>
    public Action<string>? OnStat { get; set; }

    /// <summary>Runs on every write of archive bytes, with the upload's key.</summary>
    public Action<string>? OnWrite { get; set; }

    /// <summary>Runs when an upload is asked to complete, before the store completes it: every byte is written.</summary>
    public Func<string, Task>? BeforeComplete { get; set; }

    /// <summary>Deletes fail as they do without s3:DeleteObject.</summary>
    public bool DenyDeletes { get; set; }

    /// <summary>Listing unfinished uploads fails, as on an S3-compatible endpoint that answers
    /// NotImplemented to ListMultipartUploads.</summary>
    public bool DenyUploadListing { get; set; }

    /// <summary>Runs once, when the first archive bytes reach the store: the tar is mid-way.</summary>
    public Action<string>? DuringUpload { get; set; }

    public string Location => inner.Location;
    public bool IsLocal => inner.IsLocal;

    public bool ListsEveryPendingUpload => inner.ListsEveryPendingUpload && !DenyUploadListing;

    public async Task<IObjectUpload> BeginUploadAsync(string key, CancellationToken cancellationToken) =>
        new Upload(await inner.BeginUploadAsync(key, cancellationToken), key, this);

    public Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken) => inner.AbortUploadAsync(key, uploadId, cancellationToken);
    public IAsyncEnumerable<PendingUpload> ListPendingUploadsAsync(string prefix, CancellationToken cancellationToken) =>
        DenyUploadListing ? throw new StoreException($"listing uploads under {prefix}: 501 NotImplemented") : inner.ListPendingUploadsAsync(prefix, cancellationToken);
    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken) => inner.PutAsync(key, content, cancellationToken);
    public Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken)
    {
        OnStat?.Invoke(key);
        return inner.StatAsync(key, cancellationToken);
    }
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);
    public Task<Stream> OpenRangeAsync(string key, long offset, long length, CancellationToken cancellationToken) => inner.OpenRangeAsync(key, offset, length, cancellationToken);
    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);
    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        DenyDeletes ? throw new StoreException($"deleting {key}: access denied; grant s3:DeleteObject") : inner.DeleteAsync(key, cancellationToken);
    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private sealed class Upload(IObjectUpload upload, string key, HookStore owner) : IObjectUpload
    {
        public string UploadId => upload.UploadId;
        private Stream? _content;

        public Stream Content => _content ??= new FirstWrite(upload.Content, () =>
        {
            var hook = owner.DuringUpload;
            owner.DuringUpload = null;
            hook?.Invoke(key);
        }, () => owner.OnWrite?.Invoke(key));

        public async Task<StoredObject> CompleteAsync(CancellationToken cancellationToken)
        {
            if (owner.BeforeComplete is { } before) await before(key);
            var stored = await upload.CompleteAsync(cancellationToken);
            if (owner.AfterComplete is { } hook) await hook(key);
            return stored;
        }

        public Task AbortAsync(CancellationToken cancellationToken) => upload.AbortAsync(cancellationToken);
        public ValueTask DisposeAsync() => upload.DisposeAsync();
    }

    private sealed class FirstWrite(Stream inner, Action onFirst, Action onEach) : Stream
    {
        private bool _fired;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            if (buffer.Length > 0) onEach();
            if (!_fired && buffer.Length > 0)
            {
                _fired = true;
                onFirst();
            }
        }

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
