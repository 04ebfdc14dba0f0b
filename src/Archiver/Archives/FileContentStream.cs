using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Archiver.FileSystem;

namespace Archiver.Archives;

/// <summary>
/// The bytes of one regular file as the tar writer reads them: exactly the size lstat reported
/// (tar headers carry the size up front), SHA-256-hashed on the way (see <see cref="ContentFile"/>
/// for how it is opened). A file that shrinks while it is read fails the archive.
/// Reads are positioned <c>pread</c> calls on the descriptor: no <c>lseek</c> and no
/// <see cref="FileStream"/> per file, which counted in directories of many small files.
/// <paramref name="hash"/> is the archive's one SHA-256 context: empty when this file starts, and
/// reset by <see cref="CompleteSha256"/> for the next.
/// </summary>
internal sealed class FileContentStream(string path, FileStatus expected, IncrementalHash hash) : ReadOnlyContentStream(expected.Size)
{
    private readonly SafeFileHandle _file = ContentFile.Open(path, expected);

    /// <summary>The SHA-256 of the bytes read, once all were; resets the shared context.</summary>
    public string CompleteSha256() => Convert.ToHexStringLower(hash.GetHashAndReset());

    public override int Read(Span<byte> buffer)
    {
        var remaining = Length - Consumed;
        if (remaining <= 0) return 0;
        if (buffer.Length > remaining) buffer = buffer[..(int)remaining];
        var n = (int)Native.PRead((int)_file.DangerousGetHandle(), buffer, Consumed);
        if (n < 0) throw new IOException($"cannot read {path}: {Native.Describe(Native.Errno)}");
        if (n == 0)
            throw new FileChangedException($"{path} shrank while it was being archived (expected {Length} bytes, got {Consumed}); it is still being written");
        hash.AppendData(buffer[..n]);
        Consumed += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A file or directory changed while it was archived; the archive is discarded and the
/// directory is not deleted.</summary>
public sealed class FileChangedException(string message) : IOException(message);
