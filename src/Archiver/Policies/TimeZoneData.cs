namespace Archiver.Policies;

/// <summary>
/// Where .NET reads IANA time zones (a policy's <c>timeZone</c>) from. .NET on Linux reads
/// <c>$TZDIR</c>, else <c>/usr/share/zoneinfo</c>, on every lookup; without them only <c>UTC</c>
/// resolves and a policy with <c>timeZone: Asia/Shanghai</c> is refused. The chiseled base image
/// has no tzdata, so <c>deploy/publish.sh</c> ships a copy in the app's <c>zoneinfo</c> folder,
/// used only when the system has none and TZDIR is not set (the system's is kept up to date by
/// its package manager; ours only by rebuilding the image).
/// </summary>
public static class TimeZoneData
{
    public const string SystemDirectory = "/usr/share/zoneinfo";
    public const string BundledFolder = "zoneinfo";
    private const string Variable = "TZDIR";

    /// <summary>Points TZDIR at the bundled copy when the system has no time zone data; call at start,
    /// before any time zone lookup.</summary>
    public static void UseBundledWhenSystemHasNone()
    {
        var (directory, origin) = Resolve(Environment.GetEnvironmentVariable(Variable), SystemDirectory, AppContext.BaseDirectory);
        if (origin == "bundled") Environment.SetEnvironmentVariable(Variable, directory);
    }

    /// <summary>The directory time zones come from and why: <c>TZDIR</c>, <c>system</c>,
    /// <c>bundled</c>, or no directory (<c>none</c>).</summary>
    public static (string? Directory, string Origin) Resolve(string? tzdir, string systemDirectory, string appDirectory)
    {
        var bundled = Path.Combine(appDirectory, BundledFolder);
        if (!string.IsNullOrEmpty(tzdir)) return (tzdir, tzdir == bundled ? "bundled" : "TZDIR");
        if (HasZones(systemDirectory)) return (systemDirectory, "system");
        return HasZones(bundled) ? (bundled, "bundled") : (null, "none");
    }

    /// <summary>An empty or partial directory (a volume mounted over it, a slimmed image) is no
    /// time zone data: every tzdata has <c>Etc/UTC</c>.</summary>
    private static bool HasZones(string directory) => File.Exists(Path.Combine(directory, "Etc", "UTC"));

    /// <summary>For <c>archiver --version</c>: <c>/app/zoneinfo (bundled, tzdata 2025b)</c>.</summary>
    public static string Describe(string? tzdir, string systemDirectory, string appDirectory)
    {
        var (directory, origin) = Resolve(tzdir, systemDirectory, appDirectory);
        if (directory is null)
            return $"none: no {systemDirectory} and no {Path.Combine(appDirectory, BundledFolder)}; only UTC policies validate (install tzdata or set TZDIR)";
        var version = File.Exists(Path.Combine(directory, "tzdata.zi"))
            ? File.ReadLines(Path.Combine(directory, "tzdata.zi")).FirstOrDefault()?.Replace("# version ", "tzdata ", StringComparison.Ordinal)
            : null;
        return $"{directory} ({origin}{(version is null ? "" : $", {version}")})";
    }
}
