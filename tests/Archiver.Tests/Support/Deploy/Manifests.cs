using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Archiver.Tests.Support.Deploy;

/// <summary>
/// Rendered Kubernetes objects as JSON trees, for comparing two installs: mapping keys in any order,
/// scalars typed as the YAML 1.2 core schema types them (plain <c>8080</c> is a number, <c>"8080"</c>
/// a string, plain <c>true</c> a boolean), so a value quoted differently by two tools compares as
/// what the API server would read, not as text.
/// </summary>
public static class Manifests
{
    /// <summary>Every object of a multi-document YAML text, keyed <c>Kind/name</c>.</summary>
    public static Dictionary<string, JsonObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var objects = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var doc in stream.Documents)
        {
            if (ToJson(doc.RootNode) is not JsonObject o) continue;
            objects.Add($"{o["kind"]}/{o["metadata"]?["name"]}", o);
        }
        return objects;
    }

    /// <summary>The rendered objects of one kind.</summary>
    public static IEnumerable<JsonObject> OfKind(this Dictionary<string, JsonObject> objects, string kind) =>
        objects.Where(kv => kv.Key.StartsWith(kind + "/", StringComparison.Ordinal)).Select(kv => kv.Value);

    /// <summary>A canonical text of the tree (keys sorted), to compare two objects with a readable diff.</summary>
    public static string Canonical(JsonNode? node) => Sort(node)?.ToJsonString(new() { WriteIndented = true }) ?? "null";

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Sort(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Sort).ToArray()),
        _ => node?.DeepClone(),
    };

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } p => Plain(p.Value ?? ""),
        YamlScalarNode q => JsonValue.Create(q.Value),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    private static JsonNode? Plain(string v) => v switch
    {
        "" or "null" or "~" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(v, out var n) => JsonValue.Create(n),
        _ => JsonValue.Create(v),
    };
}
