using Archiver.Layouts;

namespace Archiver.Liveness;

/// <summary>
/// Tells which pods are alive. One <see cref="SnapshotAsync"/> per sweep to plan (it may come from a
/// cache and be a little stale), and <see cref="RecheckAsync"/> before directories are deleted (a
/// consistent read for many directories at once, never one call per directory; at most
/// <see cref="RecheckReads"/> per sweep).
/// <para>Error semantics: an incomplete or failed answer throws <see cref="LivenessUnknownException"/>
/// saying what failed; callers then fail closed (archive and delete nothing). A pod that does not
/// exist is not an error: it is absent from the snapshot.</para>
/// </summary>
public interface ILivenessSource
{
    /// <summary>For plans and logs, e.g. <c>static:/etc/live-pods.txt</c>.</summary>
    string Description { get; }

    Task<LivenessSnapshot> SnapshotAsync(CancellationToken cancellationToken);

    /// <summary>One consistent read that answers for all of <paramref name="pods"/> at once: the returned
    /// snapshot holds every existing pod that could own one of their directories (it may hold more).
    /// Nothing to check means no request. Same error semantics as <see cref="SnapshotAsync"/>.</summary>
    Task<LivenessSnapshot> RecheckAsync(IReadOnlyCollection<PodRef> pods, CancellationToken cancellationToken);

    /// <summary>How many rechecks one sweep may take (the deletes come in that many waves); null when a
    /// recheck costs nothing worth counting (a local file), so each directory is deleted right after its verify.</summary>
    int? RecheckReads => null;
}

/// <summary>A pod and its phase (<c>Pending</c>, <c>Running</c>, <c>Succeeded</c>, <c>Failed</c>, <c>Unknown</c>).</summary>
public sealed record PodState(string? Namespace, string Name, string Phase)
{
    /// <summary>Terminal pods no longer write; their directories may be archived.</summary>
    public bool IsTerminal => Phase is "Succeeded" or "Failed";

    public string Display => Namespace is null ? Name : $"{Namespace}/{Name}";
}

public sealed class LivenessUnknownException(string message, Exception? inner = null) : Exception(message, inner);
