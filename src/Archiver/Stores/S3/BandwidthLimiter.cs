namespace Archiver.Stores.S3;

/// <summary>
/// Caps the bytes per second sent by one store, shared by every upload through it. Each part
/// reserves its size: the reservation starts when the previous ones would have finished at the
/// capped rate, and the caller waits until then. Over any stretch longer than one part the average
/// rate stays at or under the cap.
/// </summary>
public sealed class BandwidthLimiter(long bytesPerSecond, TimeProvider clock)
{
    private readonly object _gate = new();
    private long _nextFreeTicks;

    public long BytesPerSecond { get; } = bytesPerSecond;

    public Task WaitAsync(long bytes, CancellationToken cancellationToken)
    {
        TimeSpan delay;
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            var start = Math.Max(now, _nextFreeTicks);
            var duration = (long)(bytes / (double)BytesPerSecond * clock.TimestampFrequency);
            _nextFreeTicks = start + duration;
            delay = clock.GetElapsedTime(now, start);
        }
        return delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, clock, cancellationToken);
    }
}
