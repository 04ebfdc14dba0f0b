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

    /// <summary>A store's <c>bandwidth</c> option (<c>50MiB</c> or <c>50MiB/s</c>): bytes per second,
    /// or null when the option is absent or wrong (then <paramref name="problems"/> says why).</summary>
    public static long? ParseOption(string? value, List<string> problems)
    {
        if (value is null) return null;
        if (ByteSize.TryParse(value.EndsWith("/s", StringComparison.Ordinal) ? value[..^2] : value, out var bytes) && bytes >= 1024) return bytes;
        problems.Add($"bandwidth '{value}' must be bytes per second, at least 1KiB (e.g. 50MiB)");
        return null;
    }

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
