using System.Collections.Concurrent;
using System.Text;

namespace Archiver.Hosting;

/// <summary>A gauge: the latest value per combination of label values.</summary>
public sealed class GaugeMetric(string name, string help, params string[] labelNames)
    : MetricFamily(name, "gauge", help, labelNames)
{
    private readonly ConcurrentDictionary<string, double> _values = new(StringComparer.Ordinal);

    public void Set(double value, params string[] labelValues) => _values[WriteKey(labelValues)] = value;

    /// <summary>Removes every series (for a gauge that is rebuilt whole).</summary>
    public void Clear() => _values.Clear();

    public override double Value(params string[] labelValues) => _values.GetValueOrDefault(Key(labelValues));

    internal override void RenderSeries(StringBuilder sb) => RenderValues(sb, Name, _values);
}
