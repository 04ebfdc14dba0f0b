using Archiver.Pipeline;

namespace Archiver.Tests.Pipeline;

public class SweepSlotsTests
{
    [Fact]
    public async Task MoveToCleanup_FreesTheArchiveSlotForTheNextDirectory()
    {
        using var slots = new SweepSlots(concurrency: 1, pendingDeletes: 1);
        var first = await slots.TakeAsync(CancellationToken.None);
        var second = slots.TakeAsync(CancellationToken.None);
        Assert.False(second.IsCompleted, "two directories archive at once with concurrency 1");

        await first.MoveToCleanupAsync(CancellationToken.None);

        using var next = await second;
        first.Dispose();
    }

    [Fact]
    public async Task MoveToCleanup_AllCleanupPlacesTaken_KeepsTheArchiveSlotUntilOneIsFree()
    {
        using var slots = new SweepSlots(concurrency: 1, pendingDeletes: 1);
        var deleting = await slots.TakeAsync(CancellationToken.None);
        await deleting.MoveToCleanupAsync(CancellationToken.None);
        var ready = await slots.TakeAsync(CancellationToken.None);

        var move = ready.MoveToCleanupAsync(CancellationToken.None);
        var third = slots.TakeAsync(CancellationToken.None);
        Assert.False(move.IsCompleted, "more deletes pending than allowed");
        Assert.False(third.IsCompleted, "a third directory started while the second still held its slot");

        deleting.Dispose();
        await move;
        using var started = await third;
        ready.Dispose();
    }
}
