namespace Archiver.Hosting;

/// <summary>A gauge: the latest value per combination of label values.</summary>
public sealed class GaugeMetric(string name, string help, params string[] labelNames)
    : ValueMetric(name, "gauge", help, labelNames)
{
    public void Set(double value, params string[] labelValues) => Values[WriteKey(labelValues)] = value;

    /// <summary>Removes every series (for a gauge that is rebuilt whole).</summary>
    public void Clear() => Values.Clear();
}
