namespace Archiver.Restore;

/// <summary>What a search did: manifests listed, dropped by their key (before any read), read, and
/// those that could not be read (with why) or were encrypted with no identity to open them, so the
/// user knows what was not searched.</summary>
public sealed class FindTally
{
    private int _read;

    public int Manifests { get; internal set; }

    public int SkippedByKey { get; internal set; }

    public int Read => _read;

    public List<string> Unreadable { get; } = [];

    /// <summary>Encrypted manifests in range that were not read because no identity was given.</summary>
    public int Encrypted { get; internal set; }

    internal void CountRead() => Interlocked.Increment(ref _read);
}
