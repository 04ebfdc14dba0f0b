using System.Text;
using ICSharpCode.SharpZipLib.Zip;

namespace Archiver.Restore;

/// <summary>
/// Zip entries through SharpZipLib's <see cref="ZipFile"/>. A zip's modes and symlinks live only in
/// its central directory, at the end, so the stored zip is first copied (and hashed on the way) to
/// a temporary file that is deleted when the reader is disposed; the tar formats stream instead.
/// Unix modes and symlinks come from the external attributes when the zip was made on Unix;
/// otherwise files get 0644 and directories 0755. Zips carry no owner: uid/gid are -1.
/// </summary>
public sealed class ZipItemReader : IArchiveItemReader
{
    private const int UnixHost = 3;
    private readonly string _spool;
    private readonly ZipFile _zip;
    private readonly IEnumerator<ZipEntry> _entries;
    private Stream? _current;

    public ZipItemReader(Stream stored)
    {
        _spool = Path.Combine(Path.GetTempPath(), $"archiver-restore-{Guid.NewGuid():N}.zip");
        try
        {
            using (var spool = new FileStream(_spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.None))
                stored.CopyTo(spool);
            _zip = new ZipFile(_spool);
        }
        catch
        {
            File.Delete(_spool);
            throw;
        }
        _entries = _zip.Cast<ZipEntry>().ToList().GetEnumerator();
    }

    public ArchiveItem? Next()
    {
        _current?.Dispose();
        _current = null;
        if (!_entries.MoveNext()) return null;
        var e = _entries.Current;
        var unixMode = e.HostSystem == UnixHost ? (e.ExternalFileAttributes >> 16) & 0xFFFF : 0;
        var mode = (UnixFileMode)(unixMode & 0xFFF);
        if (unixMode == 0) mode = e.IsDirectory ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100;
        var mtime = new DateTimeOffset(DateTime.SpecifyKind(e.DateTime, DateTimeKind.Local));
        if (e.IsDirectory) return new ArchiveItem(e.Name, ItemKind.Directory, mode, -1, -1, mtime, 0) { Content = Stream.Null };
        _current = _zip.GetInputStream(e);
        if ((unixMode & 0xF000) == 0xA000)
        {
            using var target = new MemoryStream();
            _current.CopyTo(target);
            return new ArchiveItem(e.Name, ItemKind.Symlink, mode, -1, -1, mtime, 0, Encoding.UTF8.GetString(target.ToArray())) { Content = Stream.Null };
        }
        return new ArchiveItem(e.Name, ItemKind.File, mode, -1, -1, mtime, e.Size) { Content = _current };
    }

    public void Dispose()
    {
        _current?.Dispose();
        _zip.Close();
        File.Delete(_spool);
    }
}
