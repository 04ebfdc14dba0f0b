using Archiver.Layouts;

namespace Archiver.Liveness;

/// <summary><c>none</c>: no pod is alive. Only used when asked for by name, for hosts whose
/// directories are not owned by pods at all.</summary>
public sealed class NoLivenessSource : ILivenessSource
{
    public string Description => "none";

    public Task<LivenessSnapshot> SnapshotAsync(CancellationToken cancellationToken) => Task.FromResult(new LivenessSnapshot([]));

    public Task<LivenessSnapshot> RecheckAsync(IReadOnlyCollection<PodRef> pods, CancellationToken cancellationToken) => SnapshotAsync(cancellationToken);
}
