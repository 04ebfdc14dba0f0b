using Quartz;

namespace Archiver.Hosting;

/// <summary>One firing of a policy's schedule. Quartz never runs two of the same policy at once
/// (<see cref="DisallowConcurrentExecutionAttribute"/>); scheduled firings first wait a random
/// part of the policy's <c>jitter</c>.</summary>
[DisallowConcurrentExecution]
public sealed class PolicyJob(IPolicyRunner runner, Func<string, LoadedPolicy?> lookup, TimeProvider clock, CancellationToken stopping) : IJob
{
    public const string TriggerKey = "trigger";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var policy = lookup(context.JobDetail.Key.Name);
        if (policy is null) return;
        var trigger = context.MergedJobDataMap.GetString(TriggerKey) ?? "schedule";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        try
        {
            if (trigger == "schedule") await Jitter.DelayAsync(policy.Policy.Jitter, clock, cts.Token);
            await runner.SweepAsync(policy, trigger, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }
    }
}
