namespace Archiver.FileSystem;

/// <summary>What a symlink points to, as the bytes the kernel holds (<c>readlink</c>), decoded with
/// <see cref="FileName"/>; .NET's <c>LinkTarget</c> would turn bytes that are not UTF-8 into U+FFFD.</summary>
public static class SymlinkTarget
{
    private const int PathMax = 4096;

    public static unsafe string Read(string path)
    {
        var buffer = stackalloc byte[PathMax];
        var n = Native.ReadLinkAt(Native.AtFdCwd, path, buffer, PathMax);
        if (n < 0) throw new IOException($"cannot read the symlink {FileName.Printable(path)}: {Native.Describe(Native.Errno)}");
        return FileName.Decode(new ReadOnlySpan<byte>(buffer, (int)n));
    }
}
