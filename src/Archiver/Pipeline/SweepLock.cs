namespace Archiver.Pipeline;

/// <summary>One sweep of a policy at a time on this state directory, across processes (the daemon
/// and a manual run): an exclusive lock on <c>&lt;state&gt;/lock</c>, released by the kernel if the
/// process dies.</summary>
public sealed class SweepLock : IDisposable
{
    private readonly FileStream _file;

    private SweepLock(FileStream file) => _file = file;

    public static SweepLock Acquire(string stateDirectory, string policy)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, "lock");
        try
        {
            return new SweepLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new SweepBusyException($"another sweep of policy {policy} is running (lock {path} is held); wait for it to finish", e);
        }
    }

    public void Dispose() => _file.Dispose();
}

public sealed class SweepBusyException(string message, Exception inner) : Exception(message, inner);
