namespace Archiver.Pipeline;

/// <summary>For directories only this archiver sees (hostPath): always granted, nothing to release.</summary>
public sealed class NoDirectoryLock : IDirectoryLock, IDirectoryLockHandle
{
    public static readonly NoDirectoryLock Instance = new();

    public CancellationToken Lost => CancellationToken.None;

    public Task<DirectoryLockResult> TryAcquireAsync(string directory, CancellationToken cancellationToken) =>
        Task.FromResult(DirectoryLockResult.Held(this));

    public void WorkIsOver()
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
