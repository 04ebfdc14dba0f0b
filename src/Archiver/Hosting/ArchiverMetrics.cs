using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Archiver.Pipeline;

namespace Archiver.Hosting;

/// <summary>
/// The daemon's Prometheus metrics, fed by the same outcomes that are logged, rendered in the text
/// exposition format by hand (a few counters do not need a library, and this keeps the idle
/// process small). Thread-safe.
/// </summary>
public sealed class ArchiverMetrics
{
    private static readonly double[] DurationBuckets = [1, 5, 15, 60, 300, 900, 3600, 14400];

    internal static readonly (string Name, string Type, string Help)[] Families =
    [
        ("archiver_sweeps_total", "counter", "Sweeps by policy and result (ok, failed, busy, error, cancelled)."),
        ("archiver_directories_total", "counter", "Directory decisions by policy, decision and reason class."),
        ("archiver_bytes_read_total", "counter", "Bytes of directory content read into archives."),
        ("archiver_bytes_written_total", "counter", "Bytes of archives written to the store."),
        ("archiver_archive_duration_seconds", "histogram", "Time to archive, verify and clean up one directory."),
        ("archiver_failures_total", "counter", "Directory failures by policy and stage."),
        ("archiver_last_successful_sweep_timestamp_seconds", "gauge", "Unix time of the last sweep of a policy in which nothing failed."),
        ("archiver_filesystem_used_bytes", "gauge", "Used bytes of the file system holding a policy's root."),
        ("archiver_filesystem_size_bytes", "gauge", "Total bytes of the file system holding a policy's root."),
        ("archiver_pending_directories", "gauge", "Directories eligible for archiving but not archived yet."),
        ("archiver_pending_bytes", "gauge", "Bytes in directories eligible for archiving but not archived yet."),
        ("archiver_pressure_runs_total", "counter", "Disk-pressure runs by policy."),
        ("archiver_pressure_high_ratio", "gauge", "A policy's pressure.high watermark as a fraction of the file system (0-1)."),
        ("archiver_pressure_low_ratio", "gauge", "A policy's pressure.low watermark as a fraction of the file system (0-1)."),
        ("archiver_pruned_objects_total", "counter", "Archives and manifests deleted by retention."),
        ("archiver_objects_kept_by_lock_total", "counter", "Deletes of store objects S3 Object Lock refused, by policy and path (prune, verify: a copy that failed verification); counted skips, tried again later."),
        ("archiver_kept_deleted_total", "counter", "Kept local copies deleted after keepLocalFor."),
        ("archiver_policies_loaded", "gauge", "Valid policies running."),
        ("archiver_policy_invalid", "gauge", "1 for each policy file whose newest content is invalid (an older version may still run)."),
        ("archiver_ready", "gauge", "1 when policies are loaded and liveness and store were reachable at the last check."),
    ];

    private readonly ConcurrentDictionary<(string Name, string Labels), double> _values = new();
    private readonly ConcurrentDictionary<string, Histogram> _durations = new(StringComparer.Ordinal);

    public void Add(string name, double delta, params (string Key, string Value)[] labels) =>
        _values.AddOrUpdate((name, Labels(labels)), delta, (_, v) => v + delta);

    public void Set(string name, double value, params (string Key, string Value)[] labels) =>
        _values[(name, Labels(labels))] = value;

    /// <summary>Removes every series of <paramref name="name"/> (for gauges that are rebuilt whole).</summary>
    public void Clear(string name)
    {
        foreach (var k in _values.Keys.Where(k => k.Name == name)) _values.TryRemove(k, out _);
    }

    public double Get(string name, params (string Key, string Value)[] labels) =>
        _values.TryGetValue((name, Labels(labels)), out var v) ? v : 0;

    /// <summary>What one directory's outcome adds: its decision, bytes, duration and failure.</summary>
    public void Record(string policy, DirectoryOutcome o)
    {
        Add("archiver_directories_total", 1, ("policy", policy), ("decision", o.Decision.ToString().ToLowerInvariant()), ("reason", o.ReasonClass));
        if (o.Failed) Add("archiver_failures_total", 1, ("policy", policy), ("stage", o.FailedStage ?? "unknown"));
        if (o.BadCopyKeptByLock) Add("archiver_objects_kept_by_lock_total", 1, ("policy", policy), ("path", "verify"));
        if (o.Decision != Decision.Archive) return;
        Add("archiver_bytes_read_total", o.BytesIn, ("policy", policy));
        Add("archiver_bytes_written_total", o.BytesOut, ("policy", policy));
        _durations.GetOrAdd(policy, _ => new Histogram()).Observe(o.Elapsed.TotalSeconds);
    }

    public string Render()
    {
        var sb = new StringBuilder();
        var byName = _values.ToArray().GroupBy(kv => kv.Key.Name).ToDictionary(g => g.Key, g => g.OrderBy(kv => kv.Key.Labels, StringComparer.Ordinal).ToList());
        foreach (var (name, type, help) in Families)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            if (type == "histogram")
            {
                foreach (var (policy, h) in _durations.OrderBy(kv => kv.Key, StringComparer.Ordinal)) h.Render(sb, name, Labels([("policy", policy)]));
                continue;
            }
            foreach (var kv in byName.GetValueOrDefault(name) ?? [])
                sb.Append(name).Append(kv.Key.Labels).Append(' ').Append(Format(kv.Value)).Append('\n');
        }
        return sb.ToString();
    }

    private static string Format(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Labels((string Key, string Value)[] labels) =>
        labels.Length == 0 ? "" : "{" + string.Join(',', labels.Select(l => $"{l.Key}=\"{Escape(l.Value)}\"")) + "}";

    private static string Escape(string v) => v.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private sealed class Histogram
    {
        private readonly long[] _counts = new long[DurationBuckets.Length];
        private long _count;
        private double _sum;

        public void Observe(double seconds)
        {
            lock (this)
            {
                for (var i = 0; i < DurationBuckets.Length; i++) if (seconds <= DurationBuckets[i]) _counts[i]++;
                _count++;
                _sum += seconds;
            }
        }

        public void Render(StringBuilder sb, string name, string labels)
        {
            lock (this)
            {
                var inner = labels.TrimStart('{').TrimEnd('}');
                for (var i = 0; i < DurationBuckets.Length; i++)
                    sb.Append(name).Append("_bucket{").Append(inner).Append(",le=\"").Append(Format(DurationBuckets[i])).Append("\"} ").Append(_counts[i]).Append('\n');
                sb.Append(name).Append("_bucket{").Append(inner).Append(",le=\"+Inf\"} ").Append(_count).Append('\n');
                sb.Append(name).Append("_sum").Append(labels).Append(' ').Append(Format(_sum)).Append('\n');
                sb.Append(name).Append("_count").Append(labels).Append(' ').Append(_count).Append('\n');
            }
        }
    }
}
