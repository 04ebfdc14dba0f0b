using System.Text;
using Archiver.Pipeline;

namespace Archiver.Hosting;

/// <summary>
/// The daemon's Prometheus metrics, fed by the same outcomes that are logged, rendered in the text
/// exposition format by hand (a few counters do not need a library, and this keeps the idle
/// process small). Every family is declared here once, as a typed handle that call sites write
/// through (<c>metrics.SweepsTotal.Add(1, policy, result)</c>); <see cref="Families"/> is the
/// exposition order. Thread-safe.
/// </summary>
public sealed class ArchiverMetrics
{
    private static readonly double[] DurationBuckets = [1, 5, 15, 60, 300, 900, 3600, 14400];

    private readonly List<MetricFamily> _families = [];

    public ArchiverMetrics()
    {
        SweepsTotal = Declare(new CounterMetric("archiver_sweeps_total", "Sweeps by policy and result (ok, failed, busy, error, cancelled, no-root).", "policy", "result"));
        DirectoriesTotal = Declare(new CounterMetric("archiver_directories_total", "Directory decisions by policy, decision and reason class.", "policy", "decision", "reason"));
        BytesReadTotal = Declare(new CounterMetric("archiver_bytes_read_total", "Bytes of directory content read into archives.", "policy"));
        BytesWrittenTotal = Declare(new CounterMetric("archiver_bytes_written_total", "Bytes of archives written to the store.", "policy"));
        ArchiveDuration = Declare(new HistogramMetric("archiver_archive_duration_seconds", "Time to archive, verify and clean up one directory.", DurationBuckets, "policy"));
        FailuresTotal = Declare(new CounterMetric("archiver_failures_total", "Directory failures by policy and stage.", "policy", "stage"));
        LastSuccessfulSweep = Declare(new GaugeMetric("archiver_last_successful_sweep_timestamp_seconds", "Unix time of the last sweep of a policy in which nothing failed.", "policy"));
        FilesystemUsedBytes = Declare(new GaugeMetric("archiver_filesystem_used_bytes", "Used bytes of the file system holding a policy's root.", "policy", "root"));
        FilesystemSizeBytes = Declare(new GaugeMetric("archiver_filesystem_size_bytes", "Total bytes of the file system holding a policy's root.", "policy", "root"));
        PendingDirectories = Declare(new GaugeMetric("archiver_pending_directories", "Directories eligible for archiving but not archived yet.", "policy"));
        PendingBytes = Declare(new GaugeMetric("archiver_pending_bytes", "Bytes in directories eligible for archiving but not archived yet.", "policy"));
        PressureRunsTotal = Declare(new CounterMetric("archiver_pressure_runs_total", "Disk-pressure runs by policy.", "policy"));
        PressureHighRatio = Declare(new GaugeMetric("archiver_pressure_high_ratio", "A policy's pressure.high watermark as a fraction of the file system (0-1).", "policy", "root"));
        PressureLowRatio = Declare(new GaugeMetric("archiver_pressure_low_ratio", "A policy's pressure.low watermark as a fraction of the file system (0-1).", "policy", "root"));
        PrunedObjectsTotal = Declare(new CounterMetric("archiver_pruned_objects_total", "Archives and manifests deleted by retention.", "policy"));
        ObjectsKeptByLockTotal = Declare(new CounterMetric("archiver_objects_kept_by_lock_total", "Deletes of store objects S3 Object Lock refused, by policy and path (prune, verify: a copy that failed verification); counted skips, tried again later.", "policy", "path"));
        KeptDeletedTotal = Declare(new CounterMetric("archiver_kept_deleted_total", "Kept local copies deleted after keepLocalFor.", "policy"));
        PoliciesLoaded = Declare(new GaugeMetric("archiver_policies_loaded", "Valid policies running."));
        PolicyInvalid = Declare(new GaugeMetric("archiver_policy_invalid", "1 for each policy file whose newest content is invalid (an older version may still run).", "file"));
        Ready = Declare(new GaugeMetric("archiver_ready", "1 when policies are loaded and liveness and store were reachable at the last check."));
    }

    /// <summary>Labels: policy, result.</summary>
    public CounterMetric SweepsTotal { get; }
    /// <summary>Labels: policy, decision, reason.</summary>
    public CounterMetric DirectoriesTotal { get; }
    public CounterMetric BytesReadTotal { get; }
    public CounterMetric BytesWrittenTotal { get; }
    public HistogramMetric ArchiveDuration { get; }
    /// <summary>Labels: policy, stage.</summary>
    public CounterMetric FailuresTotal { get; }
    public GaugeMetric LastSuccessfulSweep { get; }
    /// <summary>Labels: policy, root.</summary>
    public GaugeMetric FilesystemUsedBytes { get; }
    /// <summary>Labels: policy, root.</summary>
    public GaugeMetric FilesystemSizeBytes { get; }
    public GaugeMetric PendingDirectories { get; }
    public GaugeMetric PendingBytes { get; }
    public CounterMetric PressureRunsTotal { get; }
    /// <summary>Labels: policy, root.</summary>
    public GaugeMetric PressureHighRatio { get; }
    /// <summary>Labels: policy, root.</summary>
    public GaugeMetric PressureLowRatio { get; }
    public CounterMetric PrunedObjectsTotal { get; }
    /// <summary>Labels: policy, path (prune, verify).</summary>
    public CounterMetric ObjectsKeptByLockTotal { get; }
    public CounterMetric KeptDeletedTotal { get; }
    /// <summary>No labels.</summary>
    public GaugeMetric PoliciesLoaded { get; }
    /// <summary>Labels: file.</summary>
    public GaugeMetric PolicyInvalid { get; }
    /// <summary>No labels.</summary>
    public GaugeMetric Ready { get; }

    /// <summary>Every family, in exposition order.</summary>
    public IReadOnlyList<MetricFamily> Families => _families;

    private T Declare<T>(T family) where T : MetricFamily
    {
        _families.Add(family);
        return family;
    }

    /// <summary>The value of one series of the family named <paramref name="name"/>, its labels given
    /// in declared order (for tests and checks); 0 when it was never written.</summary>
    public double Get(string name, params (string Key, string Value)[] labels)
    {
        var family = _families.SingleOrDefault(f => f.Name == name) ?? throw new ArgumentException($"no metric {name} is declared", nameof(name));
        if (!labels.Select(l => l.Key).SequenceEqual(family.LabelNames))
            throw new ArgumentException($"{name} takes the labels ({string.Join(", ", family.LabelNames)}), in that order", nameof(labels));
        return family.Value(labels.Select(l => l.Value).ToArray());
    }

    /// <summary>Every value the <c>result</c> label of <see cref="SweepsTotal"/> takes.</summary>
    public static readonly IReadOnlyList<string> SweepResults = ["ok", "failed", "busy", "error", "cancelled", "no-root"];

    /// <summary>Writes 0 into every counter series a policy can take that does not exist yet, so that
    /// <c>increase()</c> and <c>rate()</c> see the first event (a series born at 1 shows no increase).</summary>
    public void StartAtZero(string policy)
    {
        foreach (var result in SweepResults) SweepsTotal.StartAtZero(policy, result);
        foreach (var stage in Stages.All) FailuresTotal.StartAtZero(policy, stage.Name());
        foreach (var decision in Enum.GetValues<Decision>())
        {
            foreach (var reason in Enum.GetValues<ReasonClass>())
                DirectoriesTotal.StartAtZero(policy, decision.ToString().ToLowerInvariant(), reason.Label());
        }
        foreach (var path in new[] { "prune", "verify" }) ObjectsKeptByLockTotal.StartAtZero(policy, path);
        foreach (var counter in new[] { BytesReadTotal, BytesWrittenTotal, PressureRunsTotal, PrunedObjectsTotal, KeptDeletedTotal })
            counter.StartAtZero(policy);
    }

    /// <summary>What one directory's outcome adds: its decision, bytes, duration and failure, and a
    /// kept copy's deletion.</summary>
    public void Record(string policy, DirectoryOutcome o)
    {
        DirectoriesTotal.Add(1, policy, o.Decision.ToString().ToLowerInvariant(), o.ReasonClass.Label());
        if (o.Failed) FailuresTotal.Add(1, policy, o.FailedStage?.Name() ?? "unknown");
        if (o.BadCopyKeptByLock) ObjectsKeptByLockTotal.Add(1, policy, "verify");
        if (o.Decision != Decision.Archive) return;
        if (o.ReasonClass == ReasonClass.KeptExpired && o.Deleted) KeptDeletedTotal.Add(1, policy);
        BytesReadTotal.Add(o.BytesIn, policy);
        BytesWrittenTotal.Add(o.BytesOut, policy);
        ArchiveDuration.Observe(o.Elapsed.TotalSeconds, policy);
    }

    public string Render()
    {
        var sb = new StringBuilder();
        foreach (var family in _families)
        {
            sb.Append("# HELP ").Append(family.Name).Append(' ').Append(family.Help).Append('\n');
            sb.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type).Append('\n');
            family.RenderSeries(sb);
        }
        return sb.ToString();
    }
}
