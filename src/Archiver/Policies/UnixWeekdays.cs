using System.Globalization;

namespace Archiver.Policies;

/// <summary>
/// A Unix cron day-of-week field as Quartz writes it. Unix weekdays are 0-7 with Sunday as 0 and 7
/// (or SUN-SAT); Quartz's are 1-7 with Sunday as 1. Lists, ranges and steps are expanded to the
/// days they name, because a step does not survive shifting (Unix <c>1/2</c> is Mon, Wed, Fri and
/// Sun; Quartz <c>2/2</c> would stop at Fri). A last weekday (<c>5L</c>) and an nth weekday
/// (<c>5#3</c>) shift their weekday only, never the count.
/// </summary>
public static class UnixWeekdays
{
    private static readonly string[] Names = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    public static bool TryToQuartz(string field, out string quartz, out string? error)
    {
        quartz = "";
        error = null;
        var items = field.ToUpperInvariant().Split(',');
        if (items is [var only] && IsLastOrNth(only))
            return TryLastOrNth(only, out quartz, out var why) || Fail(field, why!, out error);
        var days = new SortedSet<int>();
        foreach (var item in items)
        {
            if (IsLastOrNth(item))
                return Fail(field, $"'{item}' must stand alone: Quartz cannot combine a last or nth weekday with other days", out error);
            if (!TryAddItem(item, days)) return Fail(field, $"'{item}' is not a weekday, range or step", out error);
        }
        quartz = string.Join(',', days.Select(d => (d + 1).ToString(CultureInfo.InvariantCulture)));
        return true;
    }

    private static bool IsLastOrNth(string item) => item.EndsWith('L') || item.Contains('#');

    /// <summary><c>5L</c> and <c>5#3</c>: the weekday shifts, the count does not.</summary>
    private static bool TryLastOrNth(string item, out string quartz, out string? error)
    {
        quartz = "";
        error = null;
        if (item.EndsWith('L'))
        {
            if (TryDay(item[..^1], out var last))
            {
                quartz = $"{last % 7 + 1}L";
                return true;
            }
            error = $"'{item}' needs a weekday before L, e.g. 5L for the last Friday";
            return false;
        }
        if (item.Split('#') is [var d, var n] && TryDay(d, out var day) && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var nth) && nth is >= 1 and <= 5)
        {
            quartz = $"{day % 7 + 1}#{nth}";
            return true;
        }
        error = $"'{item}' must be a weekday, '#' and 1-5, e.g. 5#3 for the third Friday";
        return false;
    }

    /// <summary>Adds the days of <c>*</c>, <c>d</c>, <c>a-b</c>, each optionally with <c>/step</c>. A
    /// range that runs backwards (<c>5-1</c>) wraps past Saturday, as Cronos reads it.</summary>
    private static bool TryAddItem(string item, SortedSet<int> days)
    {
        var slash = item.Split('/');
        if (slash.Length > 2) return false;
        var step = 1;
        if (slash.Length == 2 && (!int.TryParse(slash[1], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step is < 1 or > 7))
            return false;
        int low, high;
        if (slash[0] == "*")
            (low, high) = (0, 7);
        else if (slash[0].Split('-') is [var a, var b])
        {
            if (!TryDay(a, out low) || !TryDay(b, out high)) return false;
            if (high < low) high += 7;
        }
        else if (TryDay(slash[0], out low))
            high = slash.Length == 2 ? 7 : low;
        else
            return false;
        for (var d = low; d <= high; d += step) days.Add(d % 7);
        return true;
    }

    private static bool TryDay(string text, out int day)
    {
        day = Array.IndexOf(Names, text);
        if (day >= 0) return true;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out day) && day is >= 0 and <= 7;
    }

    private static bool Fail(string field, string why, out string? error)
    {
        error = $"day-of-week '{field}': {why}. Unix weekdays are 0-7 (0 and 7 are Sunday) or SUN-SAT, in a list (1,3), a range (1-5), a step (*/2), a last weekday of the month (5L) or an nth weekday (5#3 is the third Friday)";
        return false;
    }
}
