using System.Text;
using ICSharpCode.SharpZipLib.Zip;

namespace Archiver.Restore;

/// <summary>
/// Zip entries, streamed with SharpZipLib's <see cref="ZipInputStream"/> (no central directory, so
/// no seeking and no temporary copy). Unix modes and symlinks come from the external attributes
/// when the zip was made on Unix; otherwise files get 0644 and directories 0755. Zips carry no
/// owner, so uid/gid are -1 (left as whoever runs the restore).
/// </summary>
public sealed class ZipItemReader(Stream zip) : IArchiveItemReader
{
    private const int UnixHost = 3;
    private readonly ZipInputStream _zip = new(zip) { IsStreamOwner = false };

    public ArchiveItem? Next()
    {
        var e = _zip.GetNextEntry();
        if (e is null) return null;
        var unixMode = e.HostSystem == UnixHost ? (e.ExternalFileAttributes >> 16) & 0xFFFF : 0;
        var isLink = (unixMode & 0xF000) == 0xA000;
        var mode = (UnixFileMode)(unixMode & 0xFFF);
        if (unixMode == 0) mode = e.IsDirectory ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100;
        var mtime = new DateTimeOffset(DateTime.SpecifyKind(e.DateTime, DateTimeKind.Local));
        if (e.IsDirectory) return new ArchiveItem(e.Name, ItemKind.Directory, mode, -1, -1, mtime, 0) { Content = Stream.Null };
        if (isLink)
        {
            using var target = new MemoryStream();
            _zip.CopyTo(target);
            return new ArchiveItem(e.Name, ItemKind.Symlink, mode, -1, -1, mtime, 0, Encoding.UTF8.GetString(target.ToArray())) { Content = Stream.Null };
        }
        return new ArchiveItem(e.Name, ItemKind.File, mode, -1, -1, mtime, e.Size) { Content = _zip };
    }

    public void Dispose() => _zip.Dispose();
}
