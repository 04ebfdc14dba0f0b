using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Archiver.Layouts;

/// <summary>
/// Maps a directory name to the pod it belongs to. A layout is either a template such as
/// <c>{pod}</c> or <c>{namespace}_{pod}_{podip}_{nodeip}_{node}</c>, or a regular expression with
/// named groups (it must name a <c>pod</c> group). Names that do not match are never archived.
/// </summary>
public sealed partial class PodLayout
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    // Unix seconds from 2001-09-09 to 2286: ten digits. Shorter numbers are ordinal suffixes (web-0).
    [GeneratedRegex(@"^(?<base>.+)-(?<ts>[1-9]\d{9})$", RegexOptions.CultureInvariant)]
    private static partial Regex IncarnationSuffix();

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    private readonly Regex _regex;

    private PodLayout(string text, Regex regex, bool podIsWholeName)
    {
        Text = text;
        _regex = regex;
        PodIsWholeName = podIsWholeName;
    }

    public string Text { get; }

    /// <summary>True for the hostPath layout <c>{pod}</c>, where the incarnation suffix rule applies.</summary>
    public bool PodIsWholeName { get; }

    /// <summary>The fields a directory name supplies (pod, namespace, node, ...), for key templates.</summary>
    public IEnumerable<string> FieldNames => _regex.GetGroupNames().Where(n => !int.TryParse(n, out _));

    public bool HasNamespace => _regex.GetGroupNames().Contains("namespace");

    public static bool TryParse(string text, out PodLayout layout, out string? error)
    {
        layout = null!;
        error = null;
        var isRegex = text.StartsWith('^') || text.Contains("(?<", StringComparison.Ordinal);
        string pattern;
        if (isRegex)
        {
            pattern = text;
        }
        else
        {
            var sb = new StringBuilder("^");
            var last = 0;
            var seen = new HashSet<string>();
            foreach (Match m in Placeholder().Matches(text))
            {
                sb.Append(Regex.Escape(text[last..m.Index]));
                var name = m.Groups[1].Value;
                if (!seen.Add(name))
                {
                    error = $"layout '{text}' uses {{{name}}} twice";
                    return false;
                }
                // Kubernetes names never contain '_', so '_' separates fields in the shared-volume layout.
                // pod and namespace must be valid Kubernetes names: lost+found or Backup_Old never match.
                sb.Append(CultureInfo.InvariantCulture, $"(?<{name}>{FieldPattern(name)})");
                last = m.Index + m.Length;
            }
            sb.Append(Regex.Escape(text[last..])).Append('$');
            pattern = text == "{pod}" ? $"^(?<pod>{FieldPattern("pod")})$" : sb.ToString();
        }
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            error = $"layout '{text}' is not a valid regular expression: {e.Message}";
            return false;
        }
        if (!regex.GetGroupNames().Contains("pod"))
        {
            error = $"layout '{text}' has no pod field; use {{pod}} in a template or (?<pod>...) in a regex";
            return false;
        }
        layout = new PodLayout(text, regex, text == "{pod}");
        return true;
    }

    private static string FieldPattern(string field) => field switch
    {
        "pod" => "[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?", // DNS subdomain
        "namespace" => "[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?", // DNS label
        _ => "[^_/]+",
    };

    public static PodLayout Parse(string text) =>
        TryParse(text, out var layout, out var error) ? layout : throw new ArgumentException(error);

    /// <summary>The pod a directory name refers to; null when the name does not fit the layout
    /// (or the match took too long: a hostile name never costs more than the timeout).</summary>
    public PodRef? Identify(string dirName)
    {
        Match m;
        try
        {
            m = _regex.Match(dirName);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
        if (!m.Success || m.Groups["pod"].Value.Length == 0) return null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in _regex.GetGroupNames())
        {
            if (!int.TryParse(name, out _) && m.Groups[name].Success) fields[name] = m.Groups[name].Value;
        }
        var ns = fields.GetValueOrDefault("namespace");
        var pod = fields["pod"];
        var suffix = IncarnationSuffix().Match(pod);
        if (PodIsWholeName && suffix.Success)
        {
            return new PodRef(ns, pod, fields)
            {
                BaseName = suffix.Groups["base"].Value,
                Incarnation = long.Parse(suffix.Groups["ts"].Value, CultureInfo.InvariantCulture),
            };
        }
        return new PodRef(ns, pod, fields);
    }
}
