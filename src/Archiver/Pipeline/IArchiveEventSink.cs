namespace Archiver.Pipeline;

/// <summary>
/// Tells the outside world that a directory was archived (a Kubernetes Event about the archiver pod, so
/// <c>kubectl get events</c> shows it). Called after a successful archive. Implementations may
/// throw; the runner logs the failure and the archive still counts as done.
/// </summary>
public interface IArchiveEventSink
{
    Task RecordArchivedAsync(ArchivedDirectory archived, CancellationToken cancellationToken);
}

/// <summary>What was archived: the directory, its pod, the key, bytes read and stored, and whether it was deleted.</summary>
public sealed record ArchivedDirectory(string Directory, string? Pod, string Key, long BytesIn, long BytesOut, bool Deleted);
