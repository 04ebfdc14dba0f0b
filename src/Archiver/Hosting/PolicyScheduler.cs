using Quartz;
using Quartz.Extensibility;
using Serilog;

namespace Archiver.Hosting;

/// <summary>
/// Quartz, one job per policy on its cron schedule and time zone. Keeps the jobs in step with the
/// loaded policies, fires <c>runOnStart</c> runs, and one catch-up run when a scheduled time passed
/// while the process was down. A trigger that misfires while the process runs fires once and then
/// proceeds (never a burst).
/// </summary>
public sealed class PolicyScheduler(IPolicyRunner runner, TimeProvider clock) : IAsyncDisposable
{
    private readonly IPolicyRunner _runner = runner;
    private readonly TimeProvider _clock = clock;
    private static readonly ILogger Log = Serilog.Log.ForContext<PolicyScheduler>();
    private readonly Dictionary<string, LoadedPolicy> _scheduled = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private StandaloneSchedulerFactory? _factory;
    private IScheduler? _scheduler;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _factory = QuartzSchedulerBuilder.Create(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = $"archiver-{Guid.NewGuid():N}");
            q.UseDefaultThreadPool(4);
            q.UseJobFactory(new Factory(this));
            q.UseTimeProvider(_clock);
        }).Build();
        _scheduler = await _factory.GetScheduler(cancellationToken);
        await _scheduler.Start(cancellationToken);
    }

    /// <summary>The policy as currently scheduled, by name.</summary>
    public LoadedPolicy? Find(string name)
    {
        lock (_scheduled) return _scheduled.GetValueOrDefault(name);
    }

    /// <summary>Adds, replaces and removes jobs so that they match <paramref name="policies"/>.</summary>
    public async Task SyncAsync(IReadOnlyList<LoadedPolicy> policies, CancellationToken cancellationToken)
    {
        var scheduler = _scheduler ?? throw new InvalidOperationException("scheduler not started");
        Dictionary<string, LoadedPolicy> before;
        lock (_scheduled) before = new(_scheduled, StringComparer.Ordinal);
        foreach (var gone in before.Keys.Except(policies.Select(p => p.Name)))
        {
            await scheduler.DeleteJob(new JobKey(gone), cancellationToken);
            lock (_scheduled) _scheduled.Remove(gone);
            Log.Information("Unscheduled policy {Policy}", gone);
        }
        foreach (var p in policies)
        {
            var isNew = !before.TryGetValue(p.Name, out var old);
            if (!isNew && old!.ContentHash == p.ContentHash) continue;
            lock (_scheduled) _scheduled[p.Name] = p;
            var job = JobBuilder.Create<PolicyJob>().WithIdentity(p.Name).Build();
            var trigger = TriggerBuilder.Create(_clock) // its start time, else the real clock's
                .WithIdentity(p.Name)
                .ForJob(job)
                .WithCronSchedule(p.QuartzCron, x => x.InTimeZone(p.Zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build();
            if (!isNew) await scheduler.DeleteJob(job.Key, cancellationToken);
            await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions(), cancellationToken);
            var next = Policies.CronSchedule.NextFireTimes(p.QuartzCron, p.Zone, _clock.GetUtcNow(), 1).FirstOrDefault();
            Log.Information("Scheduled policy {Policy}: {Schedule} ({TimeZone}); next run {Next:o}", p.Name, p.Policy.Schedule, p.Policy.TimeZone, next);
            if (!isNew) continue;
            if (p.Policy.RunOnStart)
                await FireAsync(p.Name, "start", cancellationToken);
            else if (RunMarker.MissedSince(p, RunMarker.Read(p.Policy.StateDirectory), _clock.GetUtcNow()))
                await FireAsync(p.Name, "catch-up", cancellationToken);
        }
    }

    /// <summary>Runs a policy now (once), besides its schedule.</summary>
    public async Task FireAsync(string policy, string why, CancellationToken cancellationToken)
    {
        Log.Information("Running policy {Policy} now ({Trigger})", policy, why);
        await _scheduler!.TriggerJob(new JobKey(policy), new JobDataMap { [PolicyJob.TriggerKey] = why }, cancellationToken);
    }

    /// <summary>SIGTERM: stop firing, cancel running sweeps, wait for them to wind down (bounded by
    /// <paramref name="cancellationToken"/>, the grace period).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_scheduler is null) return;
        await _scheduler.Standby(CancellationToken.None);
        await _stopping.CancelAsync();
        var shutdown = _scheduler.Shutdown(waitForJobsToComplete: true, CancellationToken.None);
        await shutdown.AsTask().WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        _stopping.Dispose();
    }

    private sealed class Factory(PolicyScheduler owner) : IJobFactory
    {
        public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new JobScope(new PolicyJob(owner._runner, owner.Find, owner._clock, owner._stopping.Token), null));

        public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
