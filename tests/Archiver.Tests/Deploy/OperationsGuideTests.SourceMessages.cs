using System.Text;
using System.Text.RegularExpressions;
using Archiver;
using Archiver.Hosting;
using Archiver.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Archiver.Tests.Deploy;

/// <summary>Finding every message the code can print: throw sites and problem lists in src/Archiver,
/// reduced to their fixed text (interpolation holes and concatenations cut out).</summary>
public partial class OperationsGuideTests
{
    [GeneratedRegex(@"throw new (?!ArgumentException|ArgumentOutOfRangeException|InvalidOperationException)\w*Exception\(|Errors\.Add\(|errors\.Add\(|problems\.Add\(|\b(?:Error|Warn|Bad)\(""|\bAdd\((?:v|k|map), |\berror = \$?""")]
    private static partial Regex MessageSite();

    private static IEnumerable<(string Line, string Fragment)> SourceMessages()
    {
        foreach (var line in Concatenation().Replace(RawSource.Value, "").Split('\n'))
        {
            var site = MessageSite().Match(line);
            if (!site.Success || line.TrimStart().StartsWith("//", StringComparison.Ordinal)) continue;
            var fragment = FixedFragments(line[site.Index..]).MaxBy(f => f.Length);
            if (fragment is null || fragment.Length < 16) continue;
            yield return (line, fragment);
        }
    }

    /// <summary>The fixed text of the first string literal from <paramref name="code"/> on: the
    /// parts outside interpolation holes, with {{ }} and \" unescaped.</summary>
    private static List<string> FixedFragments(string code)
    {
        var start = code.IndexOf('"');
        if (start < 0) return [];
        var interpolated = start > 0 && code[start - 1] == '$';
        var fragments = new List<string>();
        var current = new StringBuilder();
        for (var i = start + 1; i < code.Length; i++)
        {
            var c = code[i];
            if (c == '\\' && i + 1 < code.Length)
            {
                current.Append(code[++i] switch { 'n' => '\n', var x => x });
                continue;
            }
            if (c == '"') break;
            if (interpolated && c is '{' or '}' && i + 1 < code.Length && code[i + 1] == c)
            {
                current.Append(c);
                i++;
                continue;
            }
            if (interpolated && c == '{')
            {
                fragments.Add(current.ToString());
                current.Clear();
                i = SkipHole(code, i);
                continue;
            }
            current.Append(c);
        }
        fragments.Add(current.ToString());
        return fragments;
    }

    /// <summary>Index of the '}' that closes the interpolation hole opened at <paramref name="open"/>
    /// (holes may hold strings and nested interpolations).</summary>
    private static int SkipHole(string code, int open)
    {
        var depth = 0;
        var inString = false;
        for (var i = open; i < code.Length; i++)
        {
            var c = code[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') inString = true;
            else if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return code.Length;
    }
}
