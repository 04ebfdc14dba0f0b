using System.Text;
using System.Text.RegularExpressions;

namespace Archiver.Layouts;

/// <summary>
/// Builds object keys from a policy's <c>key</c> template. Values are sanitised so that no field
/// can add a path segment, and the result is checked: never absolute, never <c>..</c>.
/// </summary>
public sealed partial class KeyTemplate
{
    public static readonly IReadOnlySet<string> BuiltInFields =
        new HashSet<string>(StringComparer.Ordinal) { "cluster", "node", "namespace", "pod", "dir", "timestamp", "policy" };

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    private KeyTemplate(string text) => Text = text;

    public string Text { get; }

    /// <summary>Checks a template against the fields the layout can supply.</summary>
    public static bool TryParse(string text, IEnumerable<string> layoutFields, string extension, out KeyTemplate template, out List<string> errors)
    {
        template = new KeyTemplate(text);
        errors = [];
        var known = new HashSet<string>(BuiltInFields, StringComparer.Ordinal);
        known.UnionWith(layoutFields);
        var used = Placeholder().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var f in used.Where(f => !known.Contains(f)))
            errors.Add($"key template uses {{{f}}}, which neither the layout nor Archiver provides; known fields: {string.Join(", ", known.Order())}");
        if (!used.Contains("dir") || !used.Contains("timestamp"))
            errors.Add("key template must contain {dir} and {timestamp}, so that two directories (or two archives of one directory) never share a key");
        var literal = Placeholder().Replace(text, "x");
        if (literal.StartsWith('/') || literal.Split('/').Any(s => s is ".." or "." or ""))
            errors.Add($"key template '{text}' would make an absolute key or one with empty, '.' or '..' segments");
        if (literal.Any(char.IsControl) || literal.Contains('\\'))
            errors.Add($"key template '{text}' contains control characters or backslashes");
        if (!text.EndsWith(extension, StringComparison.Ordinal))
            errors.Add($"key template '{text}' must end with {extension} to match the archive format");
        return errors.Count == 0;
    }

    public string Render(IReadOnlyDictionary<string, string?> values)
    {
        var key = Placeholder().Replace(Text, m => Sanitize(values.GetValueOrDefault(m.Groups[1].Value)));
        var segments = key.Split('/');
        if (key.StartsWith('/') || segments.Any(s => s is "" or "." or ".."))
            throw new InvalidOperationException($"key '{key}' from template '{Text}' is not a safe relative key");
        return key;
    }

    /// <summary>A field value as one safe key segment: '/' and control characters become '_';
    /// empty, '.' and '..' become '_'.</summary>
    public static string Sanitize(string? value)
    {
        if (string.IsNullOrEmpty(value) || value is "." or "..") return "_";
        var sb = new StringBuilder(value.Length);
        foreach (var c in value) sb.Append(c == '/' || c == '\\' || char.IsControl(c) ? '_' : c);
        return sb.ToString();
    }

    /// <summary>
    /// The leading segments that all of one node's keys share: each segment before the file name that
    /// uses only <c>{cluster}</c>, <c>{node}</c> and <c>{policy}</c>, filled in (<c>prod/node-1/</c> for
    /// the default template). Null unless they include <c>{node}</c>: then this node's keys have no
    /// prefix of their own, and nothing may be pruned or aborted by prefix.
    /// </summary>
    public static string? NodePrefix(string template, string cluster, string node, string policy)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["cluster"] = cluster, ["node"] = node, ["policy"] = policy };
        var prefix = new List<string>();
        var hasNode = false;
        foreach (var segment in template.Split('/')[..^1])
        {
            var fields = Placeholder().Matches(segment).Select(m => m.Groups[1].Value).ToList();
            if (fields.Any(f => !values.ContainsKey(f))) break;
            hasNode |= fields.Contains("node");
            prefix.Add(Placeholder().Replace(segment, m => Sanitize(values[m.Groups[1].Value])));
        }
        return hasNode ? string.Join('/', prefix) + "/" : null;
    }

    public static string FormatTimestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
