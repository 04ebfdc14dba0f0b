using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Archiver.Policies;

/// <summary>Readers for the daemon's structured fields: <c>pressure</c> and <c>retention</c>.</summary>
public static partial class PolicyLoader
{
    private sealed partial class Problems
    {
        /// <summary><c>pressure: {high: 85%, low: 75%, minIdle: 10m}</c>; low defaults to high - 10.</summary>
        public PressureSpec? Pressure(YamlNode v)
        {
            if (v is not YamlMappingNode map)
            {
                Add(v, "pressure must be a mapping, e.g. pressure: {high: 85%, low: 75%, minIdle: 10m}");
                return null;
            }
            double? high = null, low = null;
            var minIdle = TimeSpan.FromMinutes(10);
            foreach (var (k, val) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                switch (key)
                {
                    case "high": high = Percent(val, "pressure.high") ?? high; break;
                    case "low": low = Percent(val, "pressure.low") ?? low; break;
                    case "minIdle": minIdle = Duration(val, "pressure.minIdle") ?? minIdle; break;
                    default: Add(k, $"unknown field 'pressure.{key}'; known fields: high, low, minIdle"); break;
                }
            }
            if (high is null)
            {
                if (map.Children.ContainsKey(new YamlScalarNode("high"))) return null;
                Add(map, "pressure needs high: the used percentage that starts early archiving, e.g. high: 85%");
                return null;
            }
            return new PressureSpec(high.Value, low ?? Math.Max(0, high.Value - 10), minIdle);
        }

        /// <summary><c>retention: {remoteFor: 180d}</c>.</summary>
        public TimeSpan? Retention(YamlNode v)
        {
            if (v is not YamlMappingNode map)
            {
                Add(v, "retention must be a mapping, e.g. retention: {remoteFor: 180d}");
                return null;
            }
            TimeSpan? remoteFor = null;
            foreach (var (k, val) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                if (key == "remoteFor") remoteFor = Duration(val, "retention.remoteFor");
                else Add(k, $"unknown field 'retention.{key}'; known fields: remoteFor");
            }
            return remoteFor;
        }

        private double? Percent(YamlNode v, string field)
        {
            var s = Scalar(v, field);
            if (s is null) return null;
            if (double.TryParse(s.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 && n <= 100) return n;
            Add(v, $"{field}: '{s}' must be a percentage above 0 and at most 100, e.g. 85%");
            return null;
        }
    }
}
