using System.Globalization;
using Archiver.Policies;

namespace Archiver.Hosting;

/// <summary>
/// When a policy last started a run, kept in its state directory so that a restart can tell
/// whether a scheduled run was missed while the process was down: then one catch-up run is due
/// (never a burst of every missed time).
/// </summary>
public static class RunMarker
{
    private const string FileName = "last-run";

    public static DateTimeOffset? Read(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        try
        {
            return DateTimeOffset.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static void Write(string stateDirectory, DateTimeOffset at)
    {
        Directory.CreateDirectory(stateDirectory);
        FileSystem.Durable.WriteAllBytes(Path.Combine(stateDirectory, FileName), System.Text.Encoding.UTF8.GetBytes(at.ToString("o", CultureInfo.InvariantCulture)));
    }

    /// <summary>True when the schedule had a fire time after <paramref name="lastRun"/> that is already past.</summary>
    public static bool MissedSince(LoadedPolicy policy, DateTimeOffset? lastRun, DateTimeOffset now) =>
        lastRun is { } last && CronSchedule.NextFireTimes(policy.QuartzCron, policy.Zone, last, 1) is [var next] && next <= now;
}
