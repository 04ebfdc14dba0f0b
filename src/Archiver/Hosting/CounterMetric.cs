using System.Collections.Concurrent;
using System.Text;

namespace Archiver.Hosting;

/// <summary>A counter: one running total per combination of label values.</summary>
public sealed class CounterMetric(string name, string help, params string[] labelNames)
    : MetricFamily(name, "counter", help, labelNames)
{
    private readonly ConcurrentDictionary<string, double> _values = new(StringComparer.Ordinal);

    public void Add(double delta, params string[] labelValues) =>
        _values.AddOrUpdate(WriteKey(labelValues), delta, (_, v) => v + delta);

    public override double Value(params string[] labelValues) => _values.GetValueOrDefault(Key(labelValues));

    internal override void RenderSeries(StringBuilder sb) => RenderValues(sb, Name, _values);
}
