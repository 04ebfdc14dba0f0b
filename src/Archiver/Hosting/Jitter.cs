namespace Archiver.Hosting;

/// <summary>A random delay up to a policy's <c>jitter</c>, so that a thousand nodes on the same
/// schedule do not reach the object store in the same second.</summary>
public static class Jitter
{
    public static TimeSpan Pick(TimeSpan max, Random random) =>
        max <= TimeSpan.Zero ? TimeSpan.Zero : max * random.NextDouble();

    public static Task DelayAsync(TimeSpan max, TimeProvider clock, CancellationToken cancellationToken, Random? random = null)
    {
        var delay = Pick(max, random ?? Random.Shared);
        return delay == TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, clock, cancellationToken);
    }
}
