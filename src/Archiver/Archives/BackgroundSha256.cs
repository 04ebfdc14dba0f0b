using System.Buffers;
using System.Security.Cryptography;

namespace Archiver.Archives;

/// <summary>
/// The SHA-256 of a large file's bytes, taken on the thread pool while the tar writer goes on to
/// compress them: SHA-256 runs at 0.4–0.6 GB/s without SHA-NI, and on the writing thread it was
/// the larger part of that thread's time, which bounds a sweep once compression has its own cores.
/// The bytes are copied (a memory copy is ~20 × faster than hashing them) into 1 MiB pieces hashed
/// in order; at most <see cref="MaxPending"/> bytes wait, so memory stays bounded when hashing is
/// the slower side.
/// </summary>
internal sealed class BackgroundSha256 : IDisposable
{
    /// <summary>Files smaller than this are hashed on the writing thread: a hand-off costs more than it saves.</summary>
    public const long MinFileSize = 1 << 20;

    /// <summary>Pieces are gathered into buffers of this size before they are handed over: a
    /// hand-off per 80 KiB read woke a pool thread ~2,600 times per 200 MiB, which cost CPU.</summary>
    private const int PieceSize = 1 << 20;

    private const long MaxPending = 4 * PieceSize;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private Task _tail = Task.CompletedTask;
    private long _pending;
    private byte[]? _piece;
    private int _pieceLength;

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            _piece ??= ArrayPool<byte>.Shared.Rent(PieceSize);
            var n = Math.Min(data.Length, _piece.Length - _pieceLength);
            data[..n].CopyTo(_piece.AsSpan(_pieceLength));
            _pieceLength += n;
            data = data[n..];
            if (_pieceLength == _piece.Length) HandOver();
        }
    }

    /// <summary>Queues the gathered piece to be hashed after the ones before it.</summary>
    private void HandOver()
    {
        if (_piece is null) return;
        if (Interlocked.Read(ref _pending) >= MaxPending) _tail.GetAwaiter().GetResult();
        var piece = _piece;
        var length = _pieceLength;
        _piece = null;
        _pieceLength = 0;
        Interlocked.Add(ref _pending, length);
        // A failed piece fails every later one (GetResult rethrows), so the hash is never finished short.
        _tail = _tail.ContinueWith(previous =>
        {
            try
            {
                previous.GetAwaiter().GetResult();
                _hash.AppendData(piece, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(piece);
                Interlocked.Add(ref _pending, -length);
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Waits for every piece appended so far; the hash of all of them, as lower-case hex.</summary>
    public string Current()
    {
        HandOver();
        _tail.GetAwaiter().GetResult();
        return Convert.ToHexStringLower(_hash.GetCurrentHash());
    }

    public void Dispose()
    {
        try
        {
            _tail.GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // Already surfaced by Current(), or the archive failed first and is discarded anyway.
        }
        if (_piece is not null) ArrayPool<byte>.Shared.Return(_piece);
        _hash.Dispose();
    }
}
