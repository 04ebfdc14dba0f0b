using Archiver.Stores;
using Archiver.Stores.S3;
using Xunit;

namespace Archiver.Tests.Stores.S3;

/// <summary>The part pipeline on its own: bounded buffers, ordered ETags, failures surfacing.</summary>
public sealed class MultipartUploadStreamTests
{
    private const int PartSize = 1 << 16;

    [Fact]
    public async Task Write_ManyParts_BuffersBoundedByConcurrencyAndEveryByteSentOnce()
    {
        var received = new System.Collections.Concurrent.ConcurrentDictionary<int, byte[]>();
        var inFlight = 0;
        var maxInFlight = 0;
        var stream = new MultipartUploadStream(async (n, content, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await Task.Delay(2, ct);
            received[n] = content.ToArray();
            Interlocked.Decrement(ref inFlight);
            return $"etag-{n}";
        }, PartSize, new PartSlots(3), CancellationToken.None);
        var data = new byte[PartSize * 40 + 17];
        new Random(3).NextBytes(data);

        await Task.Run(() =>
        {
            for (var at = 0; at < data.Length; at += 1000) stream.Write(data, at, Math.Min(1000, data.Length - at));
        });
        var parts = await stream.FinishAsync();

        Assert.Equal(Enumerable.Range(1, 41), parts.Select(p => p.PartNumber));
        Assert.Equal(parts.Select(p => $"etag-{p.PartNumber}"), parts.Select(p => p.ETag));
        Assert.True(data.AsSpan().SequenceEqual(received.OrderBy(p => p.Key).SelectMany(p => p.Value).ToArray()), "the parts put together are not the data written");
        Assert.True(maxInFlight <= 3, $"{maxInFlight} parts were in flight at once");
        Assert.True(stream.BuffersAllocated <= 4, $"{stream.BuffersAllocated} part buffers for 41 parts");
    }

    [Fact]
    public async Task Write_TwoUploadsSharingSlots_TogetherNeverExceedTheStoreLimit()
    {
        // A sweep writes several archives at once through one store: uploadConcurrency bounds them
        // all together, so memory and connections do not grow with the sweep's concurrency.
        var slots = new PartSlots(2);
        var pool = new PartBufferPool();
        var inFlight = 0;
        var maxInFlight = 0;
        var received = new System.Collections.Concurrent.ConcurrentDictionary<(int, int), int>();
        MultipartUploadStream Upload(int id) => new(async (n, content, ct) =>
        {
            InterlockedMax(ref maxInFlight, Interlocked.Increment(ref inFlight));
            await Task.Delay(3, ct);
            received[(id, n)] = content.Length;
            Interlocked.Decrement(ref inFlight);
            return "e";
        }, PartSize, slots, CancellationToken.None, pool);
        var streams = Enumerable.Range(0, 3).Select(Upload).ToList();

        await Task.WhenAll(streams.Select(s => Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++) s.Write(new byte[PartSize]);
            await s.FinishAsync();
        })));

        Assert.Equal(36, received.Count);
        Assert.All(received.Values, size => Assert.Equal(PartSize, size));
        Assert.True(maxInFlight <= 2, $"{maxInFlight} parts were in flight at once across the store's uploads");
        Assert.True(pool.Allocated <= 2 + 3, $"{pool.Allocated} part buffers for 3 uploads sharing 2 slots");
    }

    [Fact]
    public async Task Write_AfterAPartFailed_ThrowsStoreExceptionWithTheCause()
    {
        var stream = new MultipartUploadStream((n, _, _) => n == 2 ? throw new StoreException("part 2 refused") : Task.FromResult("e"), PartSize, new PartSlots(1), CancellationToken.None);

        var e = await Assert.ThrowsAsync<StoreException>(() => Task.Run(() =>
        {
            for (var i = 0; i < 100; i++) stream.Write(new byte[PartSize]);
        }));

        Assert.Contains("part 2 refused", e.Message);
    }

    [Fact]
    public async Task FinishAsync_NothingWritten_SendsOneEmptyPart()
    {
        var sizes = new List<int>();
        var stream = new MultipartUploadStream((n, c, _) =>
        {
            sizes.Add(c.Length);
            return Task.FromResult("e");
        }, PartSize, new PartSlots(2), CancellationToken.None);

        var parts = await stream.FinishAsync();

        Assert.Single(parts);
        Assert.Equal([0], sizes);
    }

    [Fact]
    public void SizeOf_GrowingParts_TenThousandPartsHoldTerabytes()
    {
        Assert.Equal(8L << 20, PartSizing.SizeOf(1, 8L << 20));
        Assert.Equal(8L << 20, PartSizing.SizeOf(1000, 8L << 20));
        Assert.Equal(16L << 20, PartSizing.SizeOf(1001, 8L << 20));
        Assert.Equal(1L << 30, PartSizing.SizeOf(10_000, 8L << 20));
        long MaxObjectSize(long start) => Enumerable.Range(1, PartSizing.MaxParts).Sum(n => PartSizing.SizeOf(n, start));
        Assert.True(MaxObjectSize(8L << 20) > 4_000_000_000_000L);
        Assert.True(MaxObjectSize(S3StoreOptions.MinPartSize) > 2_000_000_000_000L);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
