namespace Archiver.Tests.Support;

/// <summary>A rule: requests matching <paramref name="Matches"/> are counted; after <paramref name="Skip"/>
/// of them, the next <paramref name="Times"/> get <paramref name="Fault"/>. With <paramref name="For"/>,
/// every matching request gets the fault for that long after the first one did (Times is then ignored).</summary>
public sealed record FaultRule(Func<ProxiedRequest, bool> Matches, S3Fault Fault, int Skip = 0, int Times = 1, TimeSpan? For = null)
{
    internal int Seen;
    internal int Applied;
    internal TimeSpan? Started;
}
