using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Archiver.FileSystem;
using Microsoft.Win32.SafeHandles;

namespace Archiver.Archives;

/// <summary>
/// The bytes of one regular file as the tar writer reads them: exactly the size lstat reported
/// (tar headers carry the size up front), SHA-256-hashed on the way. Opened with O_NOFOLLOW and
/// O_NONBLOCK so a symlink or fifo that took the file's place is refused, never followed or
/// blocked on. A file that shrinks while it is read fails the archive.
/// </summary>
internal sealed class FileContentStream : Stream
{
    private const int ONonBlock = 0x800;
    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _length;
    private readonly string _path;
    private long _position;

    public FileContentStream(string path, FileStatus expected)
    {
        _path = path;
        _length = expected.Size;
        var fd = Native.OpenAt(Native.AtFdCwd, path, Native.ORdOnly | Native.ONoFollow | Native.OCloExec | ONonBlock, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == Native.EACCES
                ? new UnauthorizedAccessException($"permission denied reading {path}; run Archiver with read access to every pod file (CAP_DAC_READ_SEARCH), or fix the file's mode")
                : new IOException($"cannot open {path}: {Native.Describe(errno)}");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var opened = FileStatus.OfDescriptor(fd);
        if (opened.Type != EntryType.File || opened.Inode != expected.Inode || opened.Device != expected.Device)
        {
            handle.Dispose();
            throw new FileChangedException($"{path} was replaced (now a {opened.Type}) while it was being archived");
        }
        _file = new FileStream(handle, FileAccess.Read, 0);
    }

    public string Sha256 => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(Span<byte> buffer)
    {
        var remaining = _length - _position;
        if (remaining <= 0) return 0;
        if (buffer.Length > remaining) buffer = buffer[..(int)remaining];
        var n = _file.Read(buffer);
        if (n == 0)
            throw new FileChangedException($"{_path} shrank while it was being archived (expected {_length} bytes, got {_position}); it is still being written");
        _hash.AppendData(buffer[..n]);
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override long Length => _length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override bool CanRead => true;

    // The tar writer asks for Length up front; it never seeks.
    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Seek(long offset, SeekOrigin origin) =>
        origin == SeekOrigin.Current && offset == 0 ? _position : throw new NotSupportedException();

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A file or directory changed while it was archived; the archive is discarded and the
/// directory is not deleted.</summary>
public sealed class FileChangedException(string message) : IOException(message);
