using System.Collections.Concurrent;
using System.Text;

namespace Archiver.Hosting;

/// <summary>A family with one number per combination of label values (counters and gauges).</summary>
public abstract class ValueMetric : MetricFamily
{
    private protected ValueMetric(string name, string type, string help, string[] labelNames) : base(name, type, help, labelNames)
    {
    }

    private protected ConcurrentDictionary<string, double> Values { get; } = new(StringComparer.Ordinal);

    public override double Value(params string[] labelValues) => Values.GetValueOrDefault(Key(labelValues));

    internal override void RenderSeries(StringBuilder sb)
    {
        foreach (var (labels, value) in Values.ToArray().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append(Name).Append(labels).Append(' ').Append(Format(value)).Append('\n');
    }
}
