using Archiver.Policies;

namespace Archiver.Hosting;

/// <summary>A valid policy as the daemon runs it: its Quartz cron, its zone, and a hash of the file
/// it came from (so a reload can tell "changed" from "touched").</summary>
public sealed record LoadedPolicy(Policy Policy, string QuartzCron, TimeZoneInfo Zone, string ContentHash)
{
    public string Name => Policy.Name;
}
