using System.Text;
using System.Text.RegularExpressions;

namespace Archiver.FileSystem;

/// <summary>Exclude patterns, matched against paths relative to a pod directory. <c>*</c> and
/// <c>?</c> stay within one segment, <c>**</c> crosses segments; a pattern without '/' matches a
/// name at any depth (as in .gitignore).</summary>
public sealed class Glob
{
    private readonly Regex[] _patterns;

    public Glob(IEnumerable<string> patterns) =>
        _patterns = patterns.Select(ToRegex).ToArray();

    public bool IsEmpty => _patterns.Length == 0;

    public bool Matches(string relativePath) => _patterns.Any(r => r.IsMatch(relativePath));

    private static Regex ToRegex(string glob)
    {
        var sb = new StringBuilder(glob.Contains('/') ? "^" : "(^|/)");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                sb.Append(".*");
                i++;
                if (i + 1 < glob.Length && glob[i + 1] == '/') i++;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        sb.Append("(/|$)");
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }
}
