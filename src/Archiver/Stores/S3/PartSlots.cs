namespace Archiver.Stores.S3;

/// <summary>The parts a store may have in flight at once (<c>uploadConcurrency</c>), shared by all
/// its uploads: with several archives written at once they take turns, so neither the number of
/// connections nor the memory held by parts grows with the sweep's concurrency.</summary>
public sealed class PartSlots(int count)
{
    public int Count { get; } = count;

    internal SemaphoreSlim Gate { get; } = new(count, count);
}
