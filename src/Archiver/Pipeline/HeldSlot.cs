namespace Archiver.Pipeline;

/// <summary>One slot taken from a <see cref="SemaphoreSlim"/>, given back exactly once: by
/// <see cref="Dispose"/>, which may also come early (a writer done writing) and again at the end.</summary>
public sealed class HeldSlot : IDisposable
{
    private SemaphoreSlim? _slots;

    private HeldSlot(SemaphoreSlim slots) => _slots = slots;

    public static async Task<HeldSlot> TakeAsync(SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        return new HeldSlot(slots);
    }

    public void Dispose() => Interlocked.Exchange(ref _slots, null)?.Release();
}
