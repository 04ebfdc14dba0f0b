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
internal sealed class SparseContentStream : ReadOnlyContentStream
{
    private static readonly byte[] Zeros = new byte[1 << 20];
    private readonly SafeFileHandle _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _map;
    private readonly List<SparseSegment> _runs;
    private readonly string _path;
    private readonly long _realSize;
    private int _run;
    private long _inRun;
    private long _hashedTo;

    private SparseContentStream(SafeFileHandle file, string path, long realSize, List<SparseSegment> runs, byte[] map)
        : base(map.Length + runs.Sum(r => r.Length))
    {
        _file = file;
        _path = path;
        _realSize = realSize;
        _runs = runs;
        _map = map;
    }

    /// <summary>Opens <paramref name="path"/> as a sparse entry, or returns null when it has no holes.</summary>
    public static SparseContentStream? TryOpen(string path, FileStatus expected)
    {
        if (expected.Size < SparseMap.MinimumSize || expected.AllocatedBytes >= expected.Size) return null;
        var handle = ContentFile.Open(path, expected);
        var runs = SparseMap.TryRead(handle, expected.Size);
        if (runs is null)
        {
            handle.Dispose();
            return null;
        }
        return new SparseContentStream(handle, path, expected.Size, runs, SparseMap.Encode(runs));
    }

    public long RealSize => _realSize;

    public string Sha256 => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(Span<byte> buffer)
    {
        if (Consumed < _map.Length)
        {
            var n = Math.Min(buffer.Length, (int)(_map.Length - Consumed));
            _map.AsSpan((int)Consumed, n).CopyTo(buffer);
            Consumed += n;
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
        Consumed += got;
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
