using System.Security.Cryptography;
using Archiver.FileSystem;

namespace Archiver.Archives;

/// <summary>
/// The bytes of one regular file as the tar writer reads them: exactly the size lstat reported
/// (tar headers carry the size up front), SHA-256-hashed on the way (see <see cref="ContentFile"/>
/// for how it is opened). A file that shrinks while it is read fails the archive.
/// </summary>
internal sealed class FileContentStream(string path, FileStatus expected) : ReadOnlyContentStream(expected.Size)
{
    private readonly FileStream _file = new(ContentFile.Open(path, expected), FileAccess.Read, 0);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public string Sha256 => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(Span<byte> buffer)
    {
        var remaining = Length - Consumed;
        if (remaining <= 0) return 0;
        if (buffer.Length > remaining) buffer = buffer[..(int)remaining];
        var n = _file.Read(buffer);
        if (n == 0)
            throw new FileChangedException($"{path} shrank while it was being archived (expected {Length} bytes, got {Consumed}); it is still being written");
        _hash.AppendData(buffer[..n]);
        Consumed += n;
        return n;
    }

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
