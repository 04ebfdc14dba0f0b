using Archiver.Archives;

namespace Archiver.Restore;

/// <summary>What an archive entry asks restore to create; an <see cref="ItemKind.Unsupported"/>
/// item (device, fifo, ...) is reported and never created.</summary>
public enum ItemKind { File, Directory, Symlink, HardLink, Unsupported }

/// <summary>One entry read from an archive, whatever its format. <see cref="Name"/> is the name as
/// stored (not yet checked for safety); <see cref="Content"/> is only valid until the next entry is
/// read. <see cref="Size"/> is the file's real size, or -1 when the format does not say up front.
/// <see cref="Uid"/>/<see cref="Gid"/> are -1 when the format records no owner.</summary>
public sealed record ArchiveItem(
    string Name,
    ItemKind Kind,
    UnixFileMode Mode,
    int Uid,
    int Gid,
    DateTimeOffset Mtime,
    long Size,
    string? LinkTarget = null)
{
    public Stream? Content { get; init; }

    /// <summary>The data runs of a sparse file, in order; <see cref="Content"/> holds only their bytes.</summary>
    public IReadOnlyList<SparseSegment>? Sparse { get; init; }

    /// <summary>A description of an unsupported entry's type, for the report.</summary>
    public string? TypeDescription { get; init; }

    /// <summary>Something about the entry that was read the way GNU tar reads it but deserves a word
    /// (a malformed PAX mtime), for the report; null when there is nothing to say.</summary>
    public string? Warning { get; init; }
}

/// <summary>Reads archive entries one by one from a forward-only stream.</summary>
public interface IArchiveItemReader : IDisposable
{
    /// <summary>The next entry, or null at the end of the archive.</summary>
    ArchiveItem? Next();
}
