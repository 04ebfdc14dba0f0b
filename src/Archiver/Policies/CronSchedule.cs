using Quartz;

namespace Archiver.Policies;

/// <summary>
/// Accepts what people paste: Unix 5-field cron (<c>*/15 * * * *</c>) and Quartz 6/7-field cron
/// (seconds first), and crontab's macros (<c>@daily</c>). Everything is turned into a Quartz
/// expression; a Unix expression means what it means to crontab, or is refused.
/// </summary>
public static class CronSchedule
{
    public static bool TryToQuartz(string? text, out string quartz, out string? error)
    {
        quartz = "";
        error = null;
        text = (text ?? "").Trim();
        if (text.StartsWith('@'))
        {
            if (!TryMacro(text, out var unix, out error)) return false;
            text = unix;
        }
        var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
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

    /// <summary>The macros crontab (Vixie cron, cronie) accepts, as the 5 fields they stand for.</summary>
    private static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    private static bool TryMacro(string text, out string unix, out string? error)
    {
        error = null;
        if (Macros.TryGetValue(text, out unix!)) return true;
        error = text.Equals("@reboot", StringComparison.OrdinalIgnoreCase)
            ? "'@reboot' has no schedule; to sweep when the daemon starts set runOnStart: true and give a schedule such as '@daily'"
            : $"'{text}' is not a cron macro; use one of {string.Join(", ", Macros.Keys)} or 5 fields (e.g. '*/15 * * * *')";
        return false;
    }

    /// <summary>Unix day fields: when both are restricted crontab runs on days matching either (or,
    /// when one starts with <c>*</c> as in <c>*/2</c>, both). Quartz restricts only one of them, so
    /// both set is refused with the two schedules Quartz can run.</summary>
    private static bool TryUnixToQuartz(string[] f, out string quartz, out string? error)
    {
        quartz = "";
        error = null;
        string dom = f[2], dow = f[4];
        if (dow is "*" or "?")
        {
            dow = "?";
            if (dom == "?") dom = "*";
        }
        else if (dom is "*" or "?")
        {
            dom = "?";
            if (!UnixWeekdays.TryToQuartz(dow, out dow, out error)) return false;
        }
        else
        {
            var rule = dom.StartsWith('*') || dow.StartsWith('*')
                ? "crontab runs it only on days matching both (a day field starting with * counts as unrestricted)"
                : "crontab runs it on days matching either";
            error = $"'{string.Join(' ', f)}' sets both day-of-month ({dom}) and day-of-week ({dow}); {rule}, which Quartz cannot express. " +
                $"Set one of them to *: '{f[0]} {f[1]} {dom} {f[3]} *' or '{f[0]} {f[1]} * {f[3]} {dow}'";
            return false;
        }
        quartz = $"0 {f[0]} {f[1]} {dom} {f[3]} {dow}";
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
