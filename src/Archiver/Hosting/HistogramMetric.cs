using System.Collections.Concurrent;
using System.Text;

namespace Archiver.Hosting;

/// <summary>A histogram of seconds with fixed buckets, one per combination of label values.</summary>
public sealed class HistogramMetric(string name, string help, double[] buckets, params string[] labelNames)
    : MetricFamily(name, "histogram", help, labelNames)
{
    private readonly ConcurrentDictionary<string, Buckets> _series = new(StringComparer.Ordinal);

    public void Observe(double value, params string[] labelValues) =>
        _series.GetOrAdd(WriteKey(labelValues), _ => new Buckets(buckets)).Observe(value);

    /// <summary>The number of observations.</summary>
    public override double Value(params string[] labelValues) =>
        _series.TryGetValue(Key(labelValues), out var b) ? b.Count : 0;

    internal override void RenderSeries(StringBuilder sb)
    {
        foreach (var (labels, b) in _series.ToArray().OrderBy(kv => kv.Key, StringComparer.Ordinal)) b.Render(sb, Name, labels);
    }

    private sealed class Buckets(double[] bounds)
    {
        private readonly Lock _lock = new();
        private readonly long[] _counts = new long[bounds.Length];
        private double _sum;

        public long Count { get; private set; }

        public void Observe(double value)
        {
            lock (_lock)
            {
                for (var i = 0; i < bounds.Length; i++) if (value <= bounds[i]) _counts[i]++;
                Count++;
                _sum += value;
            }
        }

        public void Render(StringBuilder sb, string name, string labels)
        {
            lock (_lock)
            {
                var inner = labels.TrimStart('{').TrimEnd('}');
                var sep = inner.Length == 0 ? "" : ",";
                for (var i = 0; i < bounds.Length; i++)
                    sb.Append(name).Append("_bucket{").Append(inner).Append(sep).Append("le=\"").Append(Format(bounds[i])).Append("\"} ").Append(_counts[i]).Append('\n');
                sb.Append(name).Append("_bucket{").Append(inner).Append(sep).Append("le=\"+Inf\"} ").Append(Count).Append('\n');
                sb.Append(name).Append("_sum").Append(labels).Append(' ').Append(Format(_sum)).Append('\n');
                sb.Append(name).Append("_count").Append(labels).Append(' ').Append(Count).Append('\n');
            }
        }
    }
}
