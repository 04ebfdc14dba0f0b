using System.Runtime.CompilerServices;
using Archiver.FileSystem;

namespace Archiver.Stores;

/// <summary>
/// Objects as files under a directory. An upload writes to a hidden temporary name beside the
/// final one, fsyncs it, renames it into place and fsyncs the directory: a crash leaves at most a
/// <c>.partial</c> file, never something that looks like a complete archive.
/// </summary>
public sealed class FileArchiveStore(string directory) : IArchiveStore
{
    private const string PartialMarker = ".partial-";

    public string Directory { get; } = Path.GetFullPath(directory);

    public string Location => new Uri(Directory).AbsoluteUri;

    public bool IsLocal => true;

    public bool ListsEveryPendingUpload => true;

    public Task<IObjectUpload> BeginUploadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var dir = Path.GetDirectoryName(path)!;
        try
        {
            System.IO.Directory.CreateDirectory(dir);
            var uploadId = Guid.NewGuid().ToString("N");
            var temp = TempPathOf(path, uploadId);
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            return Task.FromResult<IObjectUpload>(new FileUpload(this, key, path, temp, uploadId, stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot write {key} under {Directory}: {e.Message}; check that the directory exists, is writable and has space", e);
        }
    }

    public Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        Durable.TryDelete(TempPathOf(PathOf(key), uploadId));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<PendingUpload> ListPendingUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        // The prefix applies to the key being written, not to the temporary file's hidden name.
        foreach (var (key, file) in EnumerateFiles(prefix[..(prefix.LastIndexOf('/') + 1)], partial: true))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(file);
            var at = name.LastIndexOf(PartialMarker, StringComparison.Ordinal);
            var finalName = name[1..at];
            var finalKey = key[..(key.Length - name.Length)] + finalName;
            if (finalKey.StartsWith(prefix, StringComparison.Ordinal))
                yield return new PendingUpload(finalKey, name[(at + PartialMarker.Length)..], File.GetLastWriteTimeUtc(file));
        }
    }

    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        try
        {
            Durable.Write(PathOf(key), content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot write {key} under {Directory}: {e.Message}", e);
        }
        return Task.CompletedTask;
    }

    public Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult(info.Exists ? new StoredObject(key, info.Length, info.LastWriteTimeUtc) : null);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(key, Location);
        }
    }

    public Task<Stream> OpenRangeAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(key, Location);
        }
        if (offset < 0 || length < 0 || offset + length > file.Length)
        {
            var size = file.Length;
            file.Dispose();
            throw new StoreException($"{key} is {size} bytes; it does not hold bytes {offset}..{offset + length} (the object is shorter than its manifest says)");
        }
        file.Position = offset;
        return Task.FromResult<Stream>(new BoundedReadStream(file, length, key));
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var (key, file) in EnumerateFiles(prefix, partial: false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(file);
            if (info.Exists) yield return new StoredObject(key, info.Length, info.LastWriteTimeUtc);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            File.Delete(path);
            Durable.FsyncDirectory(Path.GetDirectoryName(path)!);
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string PathOf(string key)
    {
        if (key.Length == 0 || key.StartsWith('/') || key.Split('/').Any(s => s is "" or "." or ".."))
            throw new StoreException($"key '{key}' is not a safe relative key");
        return Path.Combine(Directory, key);
    }

    private static string TempPathOf(string path, string uploadId) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}{PartialMarker}{uploadId}");

    private IEnumerable<(string Key, string File)> EnumerateFiles(string prefix, bool partial)
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        return System.IO.Directory.EnumerateFiles(Directory, "*", options)
            .Select(f => (Key: Path.GetRelativePath(Directory, f).Replace('\\', '/'), File: f))
            .Where(x => x.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Where(x => Path.GetFileName(x.File).Contains(PartialMarker, StringComparison.Ordinal) == partial)
            .Where(x => partial || !Path.GetFileName(x.File).StartsWith('.'))
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .ToList();
    }

    private sealed class FileUpload(FileArchiveStore store, string key, string path, string temp, string uploadId, FileStream stream) : IObjectUpload
    {
        private bool _done;

        public string UploadId => uploadId;

        public Stream Content => stream;

        public async Task<StoredObject> CompleteAsync(CancellationToken cancellationToken)
        {
            try
            {
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
                var size = stream.Length;
                await stream.DisposeAsync();
                File.Move(temp, path, overwrite: true);
                Durable.FsyncDirectory(Path.GetDirectoryName(path)!);
                _done = true;
                return new StoredObject(key, size, File.GetLastWriteTimeUtc(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await AbortAsync(CancellationToken.None);
                throw new StoreException($"cannot complete {key} under {store.Directory}: {e.Message}", e);
            }
        }

        public async Task AbortAsync(CancellationToken cancellationToken)
        {
            if (_done) return;
            _done = true;
            await stream.DisposeAsync();
            Durable.TryDelete(temp);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_done) await AbortAsync(CancellationToken.None);
        }
    }
}
