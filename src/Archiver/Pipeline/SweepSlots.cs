namespace Archiver.Pipeline;

/// <summary>
/// How one sweep shares the machine among its directories. <c>concurrency</c> directories archive
/// (tar, compress, upload, verify, record) at a time. A directory that reaches its cleanup (re-check,
/// then delete: mostly waiting on the disk, e.g. ext4 with <c>discard</c> frees blocks as it unlinks)
/// hands its slot to the next directory, so the delete overlaps the next directory's compression.
/// At most <c>pendingDeletes</c> directories are in cleanup at once; when that many are, a directory
/// that is ready keeps its archive slot until one finishes, so memory and open handles stay bounded
/// (at most <c>concurrency + pendingDeletes</c> directories are under way).
/// </summary>
public sealed class SweepSlots(int concurrency, int pendingDeletes) : IDisposable
{
    private readonly SemaphoreSlim _archiving = new(concurrency, concurrency);
    private readonly SemaphoreSlim _cleaningUp = new(pendingDeletes, pendingDeletes);

    /// <summary>Waits for an archive slot; dispose the result when the directory is done.</summary>
    public async Task<SweepSlot> TakeAsync(CancellationToken cancellationToken)
    {
        await _archiving.WaitAsync(cancellationToken);
        return new SweepSlot(_archiving, _cleaningUp);
    }

    public void Dispose()
    {
        _archiving.Dispose();
        _cleaningUp.Dispose();
    }
}
