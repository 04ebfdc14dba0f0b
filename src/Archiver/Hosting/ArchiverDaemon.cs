using Microsoft.Extensions.Hosting;
using Serilog;

namespace Archiver.Hosting;

/// <summary>
/// The daemon as one hosted service: lowers its priority, serves /healthz /readyz /metrics, loads
/// the policies and schedules them, reloads them when the directory changes, watches disk pressure
/// between runs, and on stop cancels in-flight work within the grace period.
/// </summary>
public sealed class ArchiverDaemon(DaemonOptions options, TimeProvider clock, IDiskUsageProbe disk, IPolicyRunner? runnerOverride = null, ArchiverMetrics? metrics = null)
    : IHostedService, IAsyncDisposable
{
    private static readonly ILogger Log = Serilog.Log.ForContext<ArchiverDaemon>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private HttpEndpoint? _http;
    private PolicyScheduler? _scheduler;
    private PolicyRunner? _runner;
    private PressureRelief? _pressure;
    private int _ticks;

    public ArchiverMetrics Metrics { get; } = metrics ?? new();

    public Readiness Readiness { get; } = new();

    public PolicyCatalog Catalog { get; } = new(options.PoliciesDirectory, options.StateDirectory);

    /// <summary>Where the HTTP endpoints listen (after start).</summary>
    public System.Net.IPEndPoint? Endpoint => _http?.BoundEndPoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _http = new HttpEndpoint(options.Listen, Serve);
        _http.Start();
        Log.Information("Serving /healthz, /readyz and /metrics on http://{Endpoint}", _http.BoundEndPoint);

        var gates = new PolicyGates();
        _runner = new PolicyRunner(options, clock, Metrics, Readiness, gates, disk);
        _pressure = new PressureRelief(_runner, Metrics, gates, options.Node.Name);
        _scheduler = new PolicyScheduler(runnerOverride ?? _runner, clock);
        await _scheduler.StartAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
        _loops.Add(Task.Run(() => LoopAsync(options.ReloadInterval, ReloadAsync, _stopping.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => LoopAsync(options.PressureInterval, TickAsync, _stopping.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => CheckReadinessAsync(_stopping.Token), CancellationToken.None));
        // Start at full speed (a restart on a busy node should become ready quickly), then yield.
        Log.Information("Process priority: {Priority}", ProcessPriority.Apply(options.Nice, options.IoClass));
    }

    /// <summary>Re-reads the policy directory and brings the schedule in line with it.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        bool changed;
        lock (Catalog) changed = Catalog.Reload();
        var policies = Catalog.Policies;
        Metrics.PoliciesLoaded.Set(policies.Count);
        Metrics.PolicyInvalid.Clear();
        foreach (var file in Catalog.InvalidFiles) Metrics.PolicyInvalid.Set(1, file);
        Readiness.PoliciesLoaded(policies.Select(p => p.Name).ToList());
        Readiness.InvalidPolicyFiles(Catalog.Problems);
        if (!changed) return;
        // A policy's counter series exist from its first load on (the reload runs every 5 seconds).
        foreach (var p in policies) Metrics.StartAtZero(p.Name);
        await _scheduler!.SyncAsync(policies, cancellationToken);
        if (_loops.Count > 0) _ = Task.Run(() => CheckReadinessAsync(_stopping.Token), CancellationToken.None);
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var check = ++_ticks % 5 == 0;
        foreach (var p in Catalog.Policies)
        {
            try
            {
                await _pressure!.CheckAsync(p, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.Error(e, "Disk pressure check of {Policy} failed: {Message}", p.Name, e.Message);
            }
        }
        if (check) await CheckReadinessAsync(cancellationToken);
    }

    private async Task CheckReadinessAsync(CancellationToken cancellationToken)
    {
        foreach (var p in Catalog.Policies)
        {
            if (cancellationToken.IsCancellationRequested) return;
            await _runner!.CheckReadinessAsync(p, cancellationToken);
        }
    }

    private async Task LoopAsync(TimeSpan interval, Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, cancellationToken);
                await body(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.Error(e, "Background check failed: {Message}", e.Message);
            }
        }
    }

    private HttpReply Serve(string path)
    {
        switch (path)
        {
            case "/healthz":
                return new HttpReply(200, "ok\n");
            case "/readyz":
                var why = Readiness.WhyNotReady();
                Metrics.Ready.Set(why is null ? 1 : 0);
                return why is null ? new HttpReply(200, "ready\n") : new HttpReply(503, $"not ready: {why}\n");
            case "/metrics":
                Metrics.Ready.Set(Readiness.WhyNotReady() is null ? 1 : 0);
                return new HttpReply(200, Metrics.Render(), "text/plain; version=0.0.4; charset=utf-8");
            default:
                return new HttpReply(404, "try /healthz, /readyz or /metrics\n");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Information("Stopping: no new runs; cancelling in-flight work (nothing is deleted half-way; the next start resumes from the journal)");
        await _stopping.CancelAsync();
        try
        {
            if (_scheduler is not null) await _scheduler.StopAsync(cancellationToken);
            await Task.WhenAll(_loops).WaitAsync(cancellationToken);
            Log.Information("Stopped cleanly");
        }
        catch (OperationCanceledException)
        {
            Log.Warning("Grace period over before in-flight work stopped; exiting anyway (the journal makes the next start resume)");
        }
        finally
        {
            if (_http is not null) await _http.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_scheduler is not null) await _scheduler.DisposeAsync();
        _stopping.Dispose();
    }
}
