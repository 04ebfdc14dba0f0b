using YamlDotNet.RepresentationModel;

namespace Archiver.Policies;

public static partial class PolicyLoader
{
    /// <summary>The two fields that are either a scalar or a mapping: <c>liveness</c> and <c>store</c>.</summary>
    private sealed partial class Problems
    {
        public LivenessSpec? Liveness(YamlNode v)
        {
            if (v is YamlScalarNode { Value: { } text })
            {
                if (LivenessSpec.TryParse(text, out var spec, out var err)) return spec;
                Add(v, err!);
                return null;
            }
            if (v is not YamlMappingNode map)
            {
                Add(v, "liveness must be none, static:FILE, kubernetes, or a mapping with source: ...");
                return null;
            }
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            var optionNodes = new List<(string Key, string Value, YamlNode Node)>();
            string? source = null, file = null;
            foreach (var (k, val) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                var s = Scalar(val, $"liveness.{key}");
                if (s is null) continue;
                if (key == "source") source = s;
                else if (key == "file") file = s;
                else
                {
                    options[key] = s;
                    optionNodes.Add((key, s, key == "" ? k : val));
                }
            }
            var badOption = false;
            foreach (var (key, value, node) in optionNodes)
            {
                var problem = source == "kubernetes" ? KubernetesOptions.Check(key, value)
                    : $"liveness option '{key}' only applies to source kubernetes (this policy uses {source})";
                if (problem is null) continue;
                Add(node, problem);
                badOption = true;
            }
            if (badOption) return null;
            if (source is not ("none" or "static" or "kubernetes"))
            {
                Add(map, $"liveness.source '{source}' is not known; use none, static or kubernetes");
                return null;
            }
            if (source == "static" && string.IsNullOrEmpty(file))
            {
                Add(map, "liveness source static needs file: /path/to/live-pods.txt");
                return null;
            }
            return new LivenessSpec(source, file) { Options = options };
        }

        public StoreSpec? Store(YamlNode v)
        {
            if (v is YamlScalarNode { Value: { } url }) return new StoreSpec(url);
            if (v is not YamlMappingNode map)
            {
                Add(v, "store must be a URL or a mapping with url: ... and options");
                return null;
            }
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            string? u = null;
            foreach (var (k, val) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                if (key == "tags" && val is YamlMappingNode tags)
                {
                    options["tags"] = string.Join('&', tags.Children.Select(t => $"{Uri.EscapeDataString(((YamlScalarNode)t.Key).Value ?? "")}={Uri.EscapeDataString((t.Value as YamlScalarNode)?.Value ?? "")}"));
                    continue;
                }
                var s = Scalar(val, $"store.{key}");
                if (s is null) continue;
                if (key == "url") u = s;
                else options[key] = s;
            }
            if (u is null)
            {
                Add(map, "store needs url: e.g. s3://bucket/prefix or file:///var/archive");
                return null;
            }
            return new StoreSpec(u) { Options = options };
        }
    }
}
