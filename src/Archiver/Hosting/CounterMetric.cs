namespace Archiver.Hosting;

/// <summary>A counter: one running total per combination of label values.</summary>
public sealed class CounterMetric(string name, string help, params string[] labelNames)
    : ValueMetric(name, "counter", help, labelNames)
{
    public void Add(double delta, params string[] labelValues) =>
        Values.AddOrUpdate(WriteKey(labelValues), delta, (_, v) => v + delta);
}
