using System.Globalization;
using System.Text;

namespace Archiver.Hosting;

/// <summary>
/// One metric family of <see cref="ArchiverMetrics"/>: its name, help and label names, declared
/// once; written only through the typed handles (<see cref="CounterMetric"/>, <see cref="GaugeMetric"/>,
/// <see cref="HistogramMetric"/>), which take one value per label name, in order. Thread-safe.
/// </summary>
public abstract class MetricFamily
{
    private volatile bool _written;

    private protected MetricFamily(string name, string type, string help, string[] labelNames)
    {
        Name = name;
        Type = type;
        Help = help;
        LabelNames = labelNames;
    }

    public string Name { get; }

    /// <summary><c>counter</c>, <c>gauge</c> or <c>histogram</c>.</summary>
    public string Type { get; }

    public string Help { get; }

    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>True once any series was written: a declared family that nothing writes is a bug.</summary>
    public bool Written => _written;

    /// <summary>The value of one series (a histogram's count); 0 when it was never written.</summary>
    public abstract double Value(params string[] labelValues);

    /// <summary>Appends the family's series in the Prometheus text format (HELP and TYPE come from the caller).</summary>
    internal abstract void RenderSeries(StringBuilder sb);

    /// <summary>The series key for <paramref name="labelValues"/>: the <c>{name="value",...}</c> text as exposed.</summary>
    private protected string Key(string[] labelValues)
    {
        if (labelValues.Length != LabelNames.Count)
            throw new ArgumentException($"{Name} takes the labels ({string.Join(", ", LabelNames)}); {labelValues.Length} values were given", nameof(labelValues));
        return labelValues.Length == 0 ? "" : "{" + string.Join(',', LabelNames.Select((n, i) => $"{n}=\"{Escape(labelValues[i])}\"")) + "}";
    }

    /// <summary>The series key of a write, which marks the family <see cref="Written"/>.</summary>
    private protected string WriteKey(string[] labelValues)
    {
        var key = Key(labelValues);
        _written = true;
        return key;
    }

    private protected static string Format(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string v) => v.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
