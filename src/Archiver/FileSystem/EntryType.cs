namespace Archiver.FileSystem;

/// <summary>What an lstat says a path is. Only <see cref="File"/>, <see cref="Directory"/> and
/// <see cref="Symlink"/> are archived; the others are listed as skipped and never opened.</summary>
public enum EntryType
{
    File,
    Directory,
    Symlink,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    Unknown,
}
