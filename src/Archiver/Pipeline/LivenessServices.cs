using Archiver.Liveness;

namespace Archiver.Pipeline;

/// <summary>What a policy's <c>liveness</c> brings to a sweep: the source that says which pods are alive,
/// the per-directory lock (Leases on shared volumes) and where "archived" events go. Only the
/// <c>kubernetes</c> source has a lock and events; the others come <see cref="Alone"/>.</summary>
public sealed record LivenessServices(ILivenessSource Source, IDirectoryLock DirectoryLock, IArchiveEventSink Events)
{
    public static LivenessServices Alone(ILivenessSource source) => new(source, NoDirectoryLock.Instance, NoArchiveEventSink.Instance);
}
