using System.Runtime.InteropServices;

namespace Archiver.FileSystem;

/// <summary>Writes that survive a crash or power loss: temp file, fsync, rename, fsync the directory.
/// A reader sees either the old content or the new, never a torn file.</summary>
public static class Durable
{
    public static void WriteAllBytes(string path, ReadOnlyMemory<byte> content) => Replace(path, fs => fs.Write(content.Span));

    /// <summary>Copies <paramref name="content"/> (from its current position) to <paramref name="path"/>,
    /// in 64 KiB pieces whatever its size.</summary>
    public static void Write(string path, Stream content) => Replace(path, fs => content.CopyTo(fs, 1 << 16));

    private static void Replace(string path, Action<FileStream> write)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        FsyncDirectory(dir);
    }

    /// <summary>Makes a rename or unlink in <paramref name="dir"/> durable.</summary>
    public static void FsyncDirectory(string dir)
    {
        var fd = Native.OpenAt(Native.AtFdCwd, dir, Native.ORdOnly | Native.ODirectory | Native.OCloExec, 0);
        if (fd < 0)
            throw new IOException($"cannot open directory {dir} to sync it: {Native.Describe(Marshal.GetLastPInvokeError())}");
        try
        {
            if (Native.Fsync(fd) != 0)
                throw new IOException($"cannot sync directory {dir}: {Native.Describe(Marshal.GetLastPInvokeError())}");
        }
        finally
        {
            Native.Close(fd);
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
