namespace Archiver.Pipeline;

/// <summary>One directory's place in a sweep (see <see cref="SweepSlots"/>): an archive slot, which
/// <see cref="MoveToCleanupAsync"/> exchanges for a cleanup place. Disposing releases whichever it holds.</summary>
public sealed class SweepSlot : IDisposable
{
    private readonly SemaphoreSlim _archiving;
    private readonly SemaphoreSlim _cleaningUp;
    private SemaphoreSlim? _held;

    internal SweepSlot(SemaphoreSlim archiving, SemaphoreSlim cleaningUp)
    {
        _archiving = archiving;
        _cleaningUp = cleaningUp;
        _held = archiving;
    }

    /// <summary>Waits for a cleanup place (keeping the archive slot meanwhile), then frees the archive
    /// slot for the next directory.</summary>
    public async Task MoveToCleanupAsync(CancellationToken cancellationToken)
    {
        if (_held != _archiving) return;
        await _cleaningUp.WaitAsync(cancellationToken);
        _held = _cleaningUp;
        _archiving.Release();
    }

    public void Dispose()
    {
        _held?.Release();
        _held = null;
    }
}
