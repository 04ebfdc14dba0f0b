namespace Archiver.Hosting;

/// <summary>What the scheduler asks of a policy. The real one runs the pipeline; tests count calls.</summary>
public interface IPolicyRunner
{
    /// <summary>One sweep of <paramref name="policy"/>; never overlaps another run of the same policy.
    /// <paramref name="trigger"/> says why (schedule, start, catch-up) for logs and metrics.</summary>
    Task SweepAsync(LoadedPolicy policy, string trigger, CancellationToken cancellationToken);
}
