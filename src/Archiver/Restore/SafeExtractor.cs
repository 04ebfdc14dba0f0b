using System.Buffers;
using System.Security.Cryptography;
using Archiver.FileSystem;
using Microsoft.Win32.SafeHandles;

namespace Archiver.Restore;

/// <summary>
/// Creates archive entries under a target directory without ever following a symlink: every parent
/// is opened component by component with O_NOFOLLOW (a symlink in the way, whether the archive made
/// it or it was there before, refuses the entry), and files, links and directories are created
/// relative to those descriptors. Directory modes, owners and times are applied at the end, deepest
/// first, so a 0555 or 0000 directory and its mtime come out as archived.
/// </summary>
public sealed class SafeExtractor : IDisposable
{
    private readonly int _rootFd;
    private readonly bool _restoreOwner;
    private readonly List<(string[] Parts, ArchiveItem Item)> _directories = [];
    private string? _cachedParent;
    private int _cachedFd = -1;

    public SafeExtractor(string target, bool restoreOwner)
    {
        Target = target;
        _restoreOwner = restoreOwner;
        _rootFd = Native.OpenAt(Native.AtFdCwd, target, Native.ORdOnly | Native.ODirectory | Native.OCloExec, 0);
        if (_rootFd < 0) throw new IOException($"cannot open target directory {target}: {Native.Describe(Native.Errno)}");
    }

    public string Target { get; }

    /// <summary>Writes one entry at <paramref name="parts"/> (from <see cref="EntryPath"/>). Returns the
    /// SHA-256 and size of a regular file's content, null for anything else.</summary>
    public (string Sha256, long Size)? Extract(ArchiveItem item, string[] parts)
    {
        if (parts.Length == 0) return null; // the archive's "./": the target itself keeps its metadata
        var path = string.Join('/', parts);
        var parent = Parent(parts, path);
        var leaf = parts[^1];
        switch (item.Kind)
        {
            case ItemKind.Directory:
                MakeDirectory(parent, leaf, path);
                _directories.Add((parts, item));
                return null;
            case ItemKind.Symlink:
                Create(parent, leaf, path, () => Native.SymlinkAt(item.LinkTarget ?? "", parent, leaf));
                if (_restoreOwner && item.Uid >= 0) Check(Native.FchownAt(parent, leaf, item.Uid, item.Gid, Native.AtSymlinkNoFollow), "set the owner of", path);
                Check(Native.UtimensAt(parent, leaf, Times.Pair(item.Mtime), Native.AtSymlinkNoFollow), "set the time of", path);
                return null;
            case ItemKind.HardLink:
                var targetParts = EntryPath.Components(item.LinkTarget ?? "", "hard link target");
                if (targetParts.Length == 0) throw new UnsafeEntryException(path, "hard link to the target directory itself");
                var targetParent = Walk(targetParts[..^1], item.LinkTarget!);
                try
                {
                    if (FileStatus.TryGetAt(targetParent, targetParts[^1]) is null)
                        throw new IOException($"hard link {path} points to {item.LinkTarget}, which the archive has not created");
                    Create(parent, leaf, path, () => Native.LinkAt(targetParent, targetParts[^1], parent, leaf, 0));
                }
                finally
                {
                    Native.Close(targetParent);
                }
                return null;
            case ItemKind.File:
                return WriteFile(item, parent, leaf, path);
            default:
                return null;
        }
    }

    private (string, long) WriteFile(ArchiveItem item, int parent, string leaf, string path)
    {
        var fd = -1;
        Create(parent, leaf, path, () => fd = Native.OpenAt(parent, leaf, Native.OWrOnly | Native.OCreat | Native.OExcl | Native.ONoFollow | Native.OCloExec, 0b110_000_000));
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        long size;
        try
        {
            var content = item.Content ?? Stream.Null;
            if (item.Sparse is { } runs)
            {
                long hashed = 0;
                foreach (var run in runs)
                {
                    HashZeros(hash, buffer, run.Offset - hashed);
                    Copy(content, handle, hash, buffer, run.Offset, run.Length, path);
                    hashed = run.Offset + run.Length;
                }
                HashZeros(hash, buffer, item.Size - hashed);
                RandomAccess.SetLength(handle, item.Size);
                size = item.Size;
            }
            else
            {
                size = Copy(content, handle, hash, buffer, 0, long.MaxValue, path);
                if (item.Size >= 0 && size != item.Size)
                    throw new InvalidDataException($"{path}: the archive holds {size} bytes for a {item.Size}-byte file");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var raw = (int)handle.DangerousGetHandle();
        if (_restoreOwner && item.Uid >= 0) Check(Native.Fchown(raw, item.Uid, item.Gid), "set the owner of", path);
        Check(Native.Fchmod(raw, (int)item.Mode), "set the mode of", path);
        Check(Native.Futimens(raw, Times.Pair(item.Mtime)), "set the time of", path);
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    private static long Copy(Stream from, SafeFileHandle to, IncrementalHash hash, byte[] buffer, long offset, long count, string path)
    {
        long done = 0;
        while (done < count)
        {
            var n = from.Read(buffer, 0, (int)Math.Min(buffer.Length, count - done));
            if (n == 0)
            {
                if (count == long.MaxValue) break;
                throw new InvalidDataException($"{path}: the archive ends inside this file's data");
            }
            RandomAccess.Write(to, buffer.AsSpan(0, n), offset + done);
            hash.AppendData(buffer, 0, n);
            done += n;
        }
        return done;
    }

    private static void HashZeros(IncrementalHash hash, byte[] buffer, long count)
    {
        Array.Clear(buffer);
        for (long left = count; left > 0; left -= buffer.Length)
            hash.AppendData(buffer, 0, (int)Math.Min(buffer.Length, left));
    }

    /// <summary>Applies the directories' owners, modes and times, deepest first.</summary>
    public void Finish()
    {
        foreach (var (parts, item) in _directories.OrderByDescending(d => d.Parts.Length))
        {
            var path = string.Join('/', parts);
            var fd = Walk(parts, path);
            try
            {
                if (_restoreOwner && item.Uid >= 0) Check(Native.Fchown(fd, item.Uid, item.Gid), "set the owner of", path);
                Check(Native.Fchmod(fd, (int)item.Mode), "set the mode of", path);
                Check(Native.Futimens(fd, Times.Pair(item.Mtime)), "set the time of", path);
            }
            finally
            {
                Native.Close(fd);
            }
        }
        _directories.Clear();
    }

    private void MakeDirectory(int parent, string leaf, string path)
    {
        if (Native.MkdirAt(parent, leaf, 0b111_000_000) == 0) return;
        var errno = Native.Errno;
        var st = errno == Native.EEXIST ? FileStatus.TryGetAt(parent, leaf) : null;
        if (st is { IsDirectory: true }) return;
        if (st is null) throw new IOException($"cannot create directory {path} under {Target}: {Native.Describe(errno)}");
        Check(Native.UnlinkAt(parent, leaf, 0), "replace", path);
        Check(Native.MkdirAt(parent, leaf, 0b111_000_000), "create directory", path);
    }

    /// <summary>Runs a create call; when something is already at the name (an earlier entry of the
    /// same name, or a file in a --force target) it is unlinked, never followed, and the call retried.
    /// A directory in the way is an error.</summary>
    private void Create(int parent, string leaf, string path, Func<int> create)
    {
        if (create() >= 0) return;
        var errno = Native.Errno;
        if (errno != Native.EEXIST) throw new IOException($"cannot create {path} under {Target}: {Native.Describe(errno)}");
        if (FileStatus.TryGetAt(parent, leaf) is { IsDirectory: true })
            throw new IOException($"cannot create {path} under {Target}: a directory of that name is in the way");
        Check(Native.UnlinkAt(parent, leaf, 0), "replace", path);
        if (create() < 0) throw new IOException($"cannot create {path} under {Target}: {Native.Describe(Native.Errno)}");
    }

    /// <summary>The parent directory of <paramref name="parts"/>, opened safely (cached for runs of
    /// entries in the same directory; owned by the extractor).</summary>
    private int Parent(string[] parts, string path)
    {
        var key = string.Join('/', parts[..^1]);
        if (_cachedFd >= 0 && key == _cachedParent) return _cachedFd;
        var fd = Walk(parts[..^1], path);
        if (_cachedFd >= 0) Native.Close(_cachedFd);
        (_cachedFd, _cachedParent) = (fd, key);
        return fd;
    }

    /// <summary>Opens the directory <paramref name="dirs"/> under the target one component at a time
    /// with O_NOFOLLOW, creating missing ones. The caller closes the result.</summary>
    private int Walk(string[] dirs, string path)
    {
        var fd = Native.OpenAt(_rootFd, ".", Native.ORdOnly | Native.ODirectory | Native.OCloExec, 0);
        for (var i = 0; i < dirs.Length; i++)
        {
            var next = Native.OpenAt(fd, dirs[i], Native.ORdOnly | Native.ODirectory | Native.ONoFollow | Native.OCloExec, 0);
            if (next < 0 && Native.Errno == Native.ENOENT)
            {
                Native.MkdirAt(fd, dirs[i], 0b111_101_101);
                next = Native.OpenAt(fd, dirs[i], Native.ORdOnly | Native.ODirectory | Native.ONoFollow | Native.OCloExec, 0);
            }
            if (next < 0)
            {
                var errno = Native.Errno;
                var st = FileStatus.TryGetAt(fd, dirs[i]);
                Native.Close(fd);
                var prefix = string.Join('/', dirs[..(i + 1)]);
                if (st?.Type == EntryType.Symlink)
                    throw new UnsafeEntryException(path, $"{UnsafeEntryException.Printable(prefix)} is a symlink; restore never writes through a symlink");
                throw new IOException($"cannot open directory {prefix} under {Target} for {UnsafeEntryException.Printable(path)}: {(st is null ? Native.Describe(errno) : $"it is a {st.Type.ToString().ToLowerInvariant()}")}");
            }
            Native.Close(fd);
            fd = next;
        }
        return fd;
    }

    private void Check(int result, string action, string path)
    {
        if (result != 0) throw new IOException($"cannot {action} {UnsafeEntryException.Printable(path)} under {Target}: {Native.Describe(Native.Errno)}");
    }

    public void Dispose()
    {
        if (_cachedFd >= 0) Native.Close(_cachedFd);
        _cachedFd = -1;
        Native.Close(_rootFd);
    }
}
