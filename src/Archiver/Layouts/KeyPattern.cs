using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Archiver.Layouts;

/// <summary>
/// Reads the fields back out of keys made by a key template (<c>{node}</c>, <c>{pod}</c>,
/// <c>{timestamp}</c>...), so a search can drop keys by node, pod or time without reading their
/// manifests. Values come back sanitised, as <see cref="KeyTemplate.Render"/> wrote them. The
/// template's <c>.tar.*</c> ending matches any compression (<c>--format</c> changes it).
/// </summary>
public sealed partial class KeyPattern
{
    private const string TimestampField = "timestamp";
    private readonly Regex _regex;
    private readonly string[] _fields;

    public KeyPattern(string template)
    {
        var body = template;
        var extension = "";
        var tar = template.LastIndexOf(".tar", StringComparison.Ordinal);
        if (tar >= 0 && template.IndexOf('}', tar) < 0)
        {
            body = template[..tar];
            extension = @"\.tar(\.[A-Za-z0-9]+)?";
        }
        var fields = new List<string>();
        var pattern = new StringBuilder("^");
        var at = 0;
        foreach (Match m in Placeholder().Matches(body))
        {
            pattern.Append(Regex.Escape(body[at..m.Index]));
            var name = m.Groups[1].Value;
            var group = fields.Contains(name) ? $"\\k<{name}>" : $"(?<{name}>{(name == TimestampField ? @"\d{8}T\d{6}Z" : "[^/]*?")})";
            pattern.Append(group);
            if (!fields.Contains(name)) fields.Add(name);
            at = m.Index + m.Length;
        }
        pattern.Append(Regex.Escape(body[at..])).Append(extension).Append('$');
        _regex = new Regex(pattern.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        _fields = [.. fields];
        Template = template;
    }

    public string Template { get; }

    public bool Has(string field) => _fields.Contains(field);

    /// <summary>The fields of <paramref name="key"/>; null when the template did not make it.</summary>
    public IReadOnlyDictionary<string, string>? Match(string key)
    {
        var m = _regex.Match(key);
        return m.Success ? _fields.ToDictionary(f => f, f => m.Groups[f].Value, StringComparer.Ordinal) : null;
    }

    /// <summary>When the archive was made, from the <c>{timestamp}</c> of a key's
    /// <paramref name="fields"/> (whole seconds, UTC); null when the key did not match the template
    /// or the template has no timestamp.</summary>
    public static DateTimeOffset? Timestamp(IReadOnlyDictionary<string, string>? fields) =>
        fields is not null && fields.TryGetValue(TimestampField, out var text)
            && DateTimeOffset.TryParseExact(text, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : null;

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
