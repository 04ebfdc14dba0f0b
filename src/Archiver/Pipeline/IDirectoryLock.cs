namespace Archiver.Pipeline;

/// <summary>
/// Makes sure only one archiver handles a directory at a time when several see it (a shared
/// volume mounted on many nodes). <see cref="TryAcquireAsync"/> is called before any work on a
/// directory; the handle is disposed (released) after. A lock held by a crashed archiver must
/// expire on its own. hostPath roots use <see cref="NoDirectoryLock"/>.
/// <para>Errors: a directory held by someone else is not an error (the result says who holds it);
/// failing to ask (API down) throws, and the directory is left alone this sweep.</para>
/// </summary>
public interface IDirectoryLock
{
    Task<DirectoryLockResult> TryAcquireAsync(string directory, CancellationToken cancellationToken);
}

/// <summary>Held, or not with a reason (e.g. <c>locked by node-b until 12:00:30Z</c>).</summary>
public sealed record DirectoryLockResult(IDirectoryLockHandle? Handle, string? HeldBy)
{
    public static DirectoryLockResult Held(IDirectoryLockHandle handle) => new(handle, null);

    public static DirectoryLockResult Busy(string heldBy) => new(null, heldBy);
}

/// <summary>A held lock. <see cref="Lost"/> is cancelled when the lock could not be kept (another
/// archiver took it over): stop working on the directory and delete nothing.</summary>
public interface IDirectoryLockHandle : IAsyncDisposable
{
    CancellationToken Lost { get; }

    /// <summary>The directory's work is over (archived and deleted, or kept on disk): on release the lock
    /// leaves nothing behind. Without it, release keeps the lock's record for the next attempt.</summary>
    void WorkIsOver();
}
