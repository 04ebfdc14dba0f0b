using Archiver.Layouts;
using Archiver.Liveness;

namespace Archiver.Tests.Support;

/// <summary>A real liveness source with a hook before each pod lookup: the re-check right before a
/// directory is deleted, which lets a test hold one directory in its cleanup while the sweep goes on.</summary>
public sealed class HookLiveness(ILivenessSource inner) : ILivenessSource
{
    public Func<PodRef, Task>? BeforeGetPod { get; set; }

    public string Description => inner.Description;

    public Task<LivenessSnapshot> SnapshotAsync(CancellationToken cancellationToken) => inner.SnapshotAsync(cancellationToken);

    public async Task<PodState?> GetPodAsync(PodRef pod, CancellationToken cancellationToken)
    {
        if (BeforeGetPod is { } hook) await hook(pod);
        return await inner.GetPodAsync(pod, cancellationToken);
    }
}
