using System.Security.Cryptography;
using Archiver.FileSystem;
using Microsoft.Win32.SafeHandles;

namespace Archiver.Archives;

/// <summary>
/// The data of a PAX GNU.sparse 1.0 entry for one sparse file: its map, then only the bytes of its
/// data runs, read with positional reads. The SHA-256 covers the file's whole logical content
/// (holes hashed as zeros), so the manifest's hash is the same as for a dense copy of the file.
/// Opened with O_NOFOLLOW like <see cref="FileContentStream"/>.
/// </summary>
internal sealed class SparseContentStream : Stream
{
    private static readonly byte[] Zeros = new byte[1 << 20];
    private readonly SafeFileHandle _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _map;
    private readonly List<SparseSegment> _runs;
    private readonly string _path;
    private readonly long _realSize;
    private long _position;
    private int _run;
    private long _inRun;
    private long _hashedTo;

    private SparseContentStream(SafeFileHandle file, string path, long realSize, List<SparseSegment> runs)
    {
        _file = file;
        _path = path;
        _realSize = realSize;
        _runs = runs;
        _map = SparseMap.Encode(runs);
        Length = _map.Length + runs.Sum(r => r.Length);
    }

    /// <summary>Opens <paramref name="path"/> as a sparse entry, or returns null when it has no holes.</summary>
    public static SparseContentStream? TryOpen(string path, FileStatus expected)
    {
        if (expected.Size < SparseMap.MinimumSize || expected.AllocatedBytes >= expected.Size) return null;
        var fd = Native.OpenAt(Native.AtFdCwd, path, Native.ORdOnly | Native.ONoFollow | Native.OCloExec | 0x800, 0);
        if (fd < 0) return null; // FileContentStream reports the error with its full explanation
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var opened = FileStatus.OfDescriptor(fd);
        if (opened.Type != EntryType.File || opened.Inode != expected.Inode || opened.Device != expected.Device)
        {
            handle.Dispose();
            throw new FileChangedException($"{path} was replaced (now a {opened.Type}) while it was being archived");
        }
        var runs = SparseMap.TryRead(handle, expected.Size);
        if (runs is null)
        {
            handle.Dispose();
            return null;
        }
        return new SparseContentStream(handle, path, expected.Size, runs);
    }

    public long RealSize => _realSize;

    public string Sha256 => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(Span<byte> buffer)
    {
        if (_position < _map.Length)
        {
            var n = Math.Min(buffer.Length, (int)(_map.Length - _position));
            _map.AsSpan((int)_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        while (_run < _runs.Count && _inRun == _runs[_run].Length)
        {
            _run++;
            _inRun = 0;
        }
        if (_run == _runs.Count)
        {
            HashZerosUpTo(_realSize);
            return 0;
        }
        var run = _runs[_run];
        HashZerosUpTo(run.Offset);
        var want = (int)Math.Min(buffer.Length, run.Length - _inRun);
        var got = RandomAccess.Read(_file, buffer[..want], run.Offset + _inRun);
        if (got == 0)
            throw new FileChangedException($"{_path} shrank while it was being archived; it is still being written");
        _hash.AppendData(buffer[..got]);
        _inRun += got;
        _hashedTo = run.Offset + _inRun;
        _position += got;
        return got;
    }

    private void HashZerosUpTo(long offset)
    {
        while (_hashedTo < offset)
        {
            var n = (int)Math.Min(Zeros.Length, offset - _hashedTo);
            _hash.AppendData(Zeros, 0, n);
            _hashedTo += n;
        }
    }

    /// <summary>Finishes the hash (a trailing hole) once the writer has read everything.</summary>
    public void Complete() => HashZerosUpTo(_realSize);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override long Length { get; }

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override bool CanRead => true;

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
