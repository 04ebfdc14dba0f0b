using System.Globalization;
using System.Text.RegularExpressions;

namespace Archiver.Primitives;

/// <summary>Durations as people write them in policies and flags: <c>90s</c>, <c>30m</c>,
/// <c>24h</c>, <c>7d</c>, <c>2w</c>, and sums such as <c>1d12h</c>.</summary>
public static partial class Duration
{
    public static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    [GeneratedRegex(@"^(?:(\d{1,6})(w|d|h|m|s|ms))+$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Shape();

    [GeneratedRegex(@"(\d{1,6})(ms|w|d|h|m|s)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Part();

    public static bool TryParse(string? text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        var s = text?.Trim() ?? "";
        if (s == "0") return true;
        if (s.Length == 0 || s.Length > 40 || !Shape().IsMatch(s))
        {
            error = $"'{text}' is not a duration; write a number and a unit, e.g. 30m, 24h, 7d or 1d12h (units: w d h m s ms)";
            return false;
        }
        foreach (Match m in Part().Matches(s))
        {
            var n = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            value += m.Groups[2].Value switch
            {
                "w" => TimeSpan.FromDays(7 * n),
                "d" => TimeSpan.FromDays(n),
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                _ => TimeSpan.FromMilliseconds(n),
            };
            if (value > Max)
            {
                error = $"'{text}' is longer than the maximum of 3650d";
                return false;
            }
        }
        return true;
    }

    /// <summary>Short human form, in units <see cref="TryParse"/> reads back: <c>3d2h</c>, <c>12m</c>,
    /// <c>45s</c>, <c>500ms</c> (under a second), <c>0s</c>; longer ones cut to their two largest units.</summary>
    public static string Format(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        if (t > TimeSpan.Zero && t < TimeSpan.FromSeconds(1)) return $"{Math.Max(1, (int)t.TotalMilliseconds)}ms";
        if (t.TotalDays >= 1) return t.Hours > 0 ? $"{(int)t.TotalDays}d{t.Hours}h" : $"{(int)t.TotalDays}d";
        if (t.TotalHours >= 1) return t.Minutes > 0 ? $"{(int)t.TotalHours}h{t.Minutes}m" : $"{(int)t.TotalHours}h";
        if (t.TotalMinutes >= 1) return $"{(int)t.TotalMinutes}m";
        return $"{(int)t.TotalSeconds}s";
    }
}
