using System.Buffers;
using System.Security.Cryptography;

namespace Archiver.Archives;

/// <summary>
/// The SHA-256 of a large file's bytes, taken on the thread pool while the tar writer goes on to
/// compress them: SHA-256 runs at 0.4–0.6 GB/s without SHA-NI, and on the writing thread it was
/// the larger part of that thread's time, which bounds a sweep once compression has its own cores.
/// Each piece is copied (a memory copy is ~20 × faster than hashing it) and hashed in order; at most
/// <see cref="MaxPending"/> bytes wait, so memory stays bounded when hashing is the slower side.
/// </summary>
internal sealed class BackgroundSha256 : IDisposable
{
    /// <summary>Files smaller than this are hashed on the writing thread: a hand-off costs more than it saves.</summary>
    public const long MinFileSize = 1 << 20;

    private const long MaxPending = 4 << 20;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private Task _tail = Task.CompletedTask;
    private long _pending;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (Interlocked.Read(ref _pending) >= MaxPending) _tail.GetAwaiter().GetResult();
        var copy = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(copy);
        var length = data.Length;
        Interlocked.Add(ref _pending, length);
        // A failed piece fails every later one (GetResult rethrows), so the hash is never finished short.
        _tail = _tail.ContinueWith(previous =>
        {
            try
            {
                previous.GetAwaiter().GetResult();
                _hash.AppendData(copy, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(copy);
                Interlocked.Add(ref _pending, -length);
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Waits for every piece appended so far; the hash of all of them, as lower-case hex.</summary>
    public string Current()
    {
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
        _hash.Dispose();
    }
}
