namespace Archiver.Primitives;

/// <summary>"Did you mean" for names typed by hand: policy fields, command-line options.</summary>
public static class Spelling
{
    /// <summary>The known name nearest to <paramref name="typed"/> (ignoring case) when it is at most
    /// <paramref name="maxDistance"/> edits away, or when <paramref name="typed"/> starts it; else null.</summary>
    public static string? Closest(string typed, IEnumerable<string> known, int maxDistance = 2)
    {
        var word = typed.ToLowerInvariant();
        var best = known.Select(k => (Name: k, Distance: Levenshtein(k.ToLowerInvariant(), word)))
            .OrderBy(k => k.Distance).ThenBy(k => k.Name, StringComparer.Ordinal).FirstOrDefault();
        if (best.Name is not null && best.Distance <= maxDistance) return best.Name;
        return word.TrimStart('-').Length >= 2
            ? known.Where(k => k.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
    }

    public static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
