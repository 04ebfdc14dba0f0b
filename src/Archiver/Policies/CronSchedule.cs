using System.Globalization;
using Quartz;

namespace Archiver.Policies;

/// <summary>
/// Accepts what people paste: Unix 5-field cron (<c>*/15 * * * *</c>) and Quartz 6/7-field cron
/// (seconds first). Everything is turned into a Quartz expression.
/// </summary>
public static class CronSchedule
{
    public static bool TryToQuartz(string? text, out string quartz, out string? error)
    {
        quartz = "";
        error = null;
        var fields = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length == 5)
        {
            if (!TryUnixToQuartz(fields, out quartz, out error)) return false;
        }
        else if (fields.Length is 6 or 7)
        {
            quartz = string.Join(' ', fields);
        }
        else
        {
            error = $"'{text}' has {fields.Length} fields; write Unix cron with 5 fields (e.g. '*/15 * * * *') or Quartz cron with 6 or 7 (seconds first, e.g. '0 */15 * * * ?')";
            return false;
        }
        try
        {
            _ = new CronExpression(quartz);
            return true;
        }
        catch (FormatException e)
        {
            error = $"'{text}' is not a valid cron expression: {e.Message}";
            return false;
        }
    }

    private static bool TryUnixToQuartz(string[] f, out string quartz, out string? error)
    {
        quartz = "";
        error = null;
        string dom = f[2], dow = f[4];
        if (dow == "*" || dow == "?") dow = "?";
        else if (dom == "*" || dom == "?") dom = "?";
        else
        {
            error = $"'{string.Join(' ', f)}' sets both day-of-month and day-of-week; Quartz cannot express Unix cron's 'either' rule, so set one of them to *";
            return false;
        }
        if (dow != "?" && !TryShiftWeekdays(dow, out dow, out error)) return false;
        quartz = $"0 {f[0]} {f[1]} {dom} {f[3]} {dow}";
        return true;
    }

    /// <summary>Unix weekdays are 0-7 with Sunday as 0 or 7; Quartz's are 1-7 with Sunday as 1.</summary>
    private static bool TryShiftWeekdays(string field, out string shifted, out string? error)
    {
        error = null;
        var sb = new System.Text.StringBuilder();
        var i = 0;
        while (i < field.Length)
        {
            if (char.IsAsciiDigit(field[i]) && (i == 0 || field[i - 1] != '/'))
            {
                var start = i;
                while (i < field.Length && char.IsAsciiDigit(field[i])) i++;
                var n = int.Parse(field.AsSpan(start, i - start), CultureInfo.InvariantCulture);
                if (n > 7)
                {
                    shifted = "";
                    error = $"day-of-week '{field}' has {n}; Unix weekdays run 0-7 (0 and 7 are Sunday)";
                    return false;
                }
                sb.Append(n == 7 ? 1 : n + 1);
            }
            else
            {
                if (char.IsAsciiDigit(field[i]))
                {
                    var start = i;
                    while (i < field.Length && char.IsAsciiDigit(field[i])) i++;
                    sb.Append(field, start, i - start);
                    continue;
                }
                sb.Append(field[i]);
                i++;
            }
        }
        shifted = sb.ToString();
        return true;
    }

    /// <summary>The next <paramref name="count"/> fire times after <paramref name="after"/>.</summary>
    public static IReadOnlyList<DateTimeOffset> NextFireTimes(string quartz, TimeZoneInfo zone, DateTimeOffset after, int count)
    {
        var expr = new CronExpression(quartz, zone);
        var list = new List<DateTimeOffset>();
        var t = after;
        while (list.Count < count && expr.GetNextValidTimeAfter(t) is { } next)
        {
            list.Add(next);
            t = next;
        }
        return list;
    }
}
