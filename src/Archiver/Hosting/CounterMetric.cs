namespace Archiver.Hosting;

/// <summary>A counter: one running total per combination of label values.</summary>
public sealed class CounterMetric(string name, string help, params string[] labelNames)
    : ValueMetric(name, "counter", help, labelNames)
{
    public void Add(double delta, params string[] labelValues) =>
        Values.AddOrUpdate(WriteKey(labelValues), delta, (_, v) => v + delta);

    /// <summary>Makes the series exist at 0 when it does not yet (not a write: <see cref="MetricFamily.Written"/> stays as it is).</summary>
    public void StartAtZero(params string[] labelValues) => Values.TryAdd(Key(labelValues), 0);
}
