using System.Formats.Tar;
using System.Globalization;
using System.Security.Cryptography;
using Archiver.FileSystem;

namespace Archiver.Archives;

/// <summary>
/// Writes one pod directory as a PAX tar stream (long names and link targets, sub-second mtimes,
/// sizes past 8 GiB, sparse files as GNU.sparse 1.0 entries), entry by entry, with memory that does
/// not depend on the directory's size.
/// Entries are named <c>&lt;dir&gt;/...</c>, so <c>tar -x -C /data</c> recreates the directory.
/// Files are read once: the same pass hashes them for the manifest. Hard links become tar hard
/// links to their first path. Fifos, sockets and devices are listed as skipped and never opened.
/// Each manifest entry records the tar offset of its first header, for single-entry restores.
/// </summary>
public static class TarArchiveWriter
{
    /// <summary>Writes the archive of <paramref name="directory"/> and returns its tree fingerprint.</summary>
    public static string Write(string directory, string archiveRoot, Glob exclude, Stream output, ManifestWriter manifest, CancellationToken cancellationToken)
    {
        var fingerprint = new TreeFingerprint();
        var files = 0;
        var firstPathOfInode = new Dictionary<(ulong, ulong), (string Name, string? Sha)>();
        var counted = new CountingWriteStream(output);
        using var tar = new TarWriter(counted, TarEntryFormat.Pax, leaveOpen: true);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var e in TreeWalker.Walk(directory, exclude))
        {
            cancellationToken.ThrowIfCancellationRequested();
            fingerprint.Add(e);
            var name = e.RelativePath.Length == 0 ? archiveRoot : archiveRoot + "/" + e.RelativePath;
            var st = e.Status;
            var at = counted.Position;
            if (e.Excluded)
            {
                manifest.Skip(new SkippedEntry(name, TypeName(st.Type), "excluded by policy"));
                continue;
            }
            switch (st.Type)
            {
                case EntryType.Directory:
                    Put(tar, counted, Header(TarEntryType.Directory, name + "/", st));
                    manifest.Add(Entry(name, "dir", 0, st, at));
                    break;
                case EntryType.Symlink:
                    var target = SymlinkTarget.Read(e.FullPath);
                    var link = Header(TarEntryType.SymbolicLink, name, st);
                    link.LinkName = target;
                    Put(tar, counted, link);
                    manifest.Add(Entry(name, "symlink", 0, st, at) with { LinkTarget = target });
                    break;
                case EntryType.File when st.LinkCount > 1 && firstPathOfInode.TryGetValue((st.Device, st.Inode), out var first):
                    var hard = Header(TarEntryType.HardLink, name, st);
                    hard.LinkName = first.Name;
                    Put(tar, counted, hard);
                    manifest.Add(Entry(name, "hardlink", st.Size, st, at) with { LinkTarget = first.Name, Sha256 = first.Sha });
                    break;
                case EntryType.File when SparseContentStream.TryOpen(e.FullPath, st) is { } sparse:
                    using (sparse)
                    {
                        Put(tar, counted, SparseHeader(name, st, sparse));
                        sparse.Complete();
                        manifest.Add(Entry(name, "file", st.Size, st, at) with { Sha256 = sparse.Sha256 });
                        if (st.LinkCount > 1) firstPathOfInode[(st.Device, st.Inode)] = (name, sparse.Sha256);
                    }
                    break;
                case EntryType.File:
                    using (var content = new FileContentStream(e.FullPath, st, sha256))
                    {
                        var file = Header(TarEntryType.RegularFile, name, st);
                        file.DataStream = content;
                        Put(tar, counted, file);
                        if (content.Position != st.Size)
                            throw new FileChangedException($"{e.FullPath} changed size while it was being archived");
                        var sha = content.CompleteSha256();
                        manifest.Add(Entry(name, "file", st.Size, st, at) with { Sha256 = sha });
                        if (st.LinkCount > 1) firstPathOfInode[(st.Device, st.Inode)] = (name, sha);
                        if (++files == 2) CrashPoints.Hit(CrashPoints.MidTar);
                    }
                    break;
                default:
                    manifest.Skip(new SkippedEntry(name, TypeName(st.Type), $"{TypeName(st.Type)}: not archived and never opened"));
                    break;
            }
        }
        return fingerprint.Finish();
    }

    /// <summary>Writes <paramref name="entry"/> with the tar writer, or byte for byte when its name or
    /// link target is not UTF-8 (the tar writer would replace those bytes).</summary>
    private static void Put(TarWriter tar, Stream output, PaxTarEntry entry)
    {
        if (FileName.HasEscapes(entry.Name) || FileName.HasEscapes(entry.LinkName ?? "")) BinaryNamePaxEntry.Write(output, entry);
        else tar.WriteEntry(entry);
    }

    private static PaxTarEntry Header(TarEntryType type, string name, FileStatus st) =>
        new(type, name)
        {
            Mode = st.Mode,
            Uid = st.Uid,
            Gid = st.Gid,
            ModificationTime = st.ModifiedAt,
        };

    /// <summary>A PAX GNU.sparse 1.0 entry: stored under GNU tar's placeholder name, with the real
    /// name and size in extended attributes, so tools without sparse support still extract the
    /// data (under the placeholder) instead of failing.</summary>
    private static PaxTarEntry SparseHeader(string name, FileStatus st, SparseContentStream content)
    {
        var slash = name.LastIndexOf('/');
        var placeholder = slash < 0 ? "GNUSparseFile.0/" + name : name[..slash] + "/GNUSparseFile.0" + name[slash..];
        var attributes = new Dictionary<string, string>
        {
            ["GNU.sparse.major"] = "1",
            ["GNU.sparse.minor"] = "0",
            ["GNU.sparse.name"] = name,
            ["GNU.sparse.realsize"] = content.RealSize.ToString(CultureInfo.InvariantCulture),
        };
        return new PaxTarEntry(TarEntryType.RegularFile, placeholder, attributes)
        {
            Mode = st.Mode,
            Uid = st.Uid,
            Gid = st.Gid,
            ModificationTime = st.ModifiedAt,
            DataStream = content,
        };
    }

    private static ManifestEntry Entry(string name, string type, long size, FileStatus st, long offset) =>
        new(name, type, size, Convert.ToString((int)st.Mode, 8).PadLeft(4, '0'), st.Uid, st.Gid, st.ModifiedAt, Offset: offset);

    public static string TypeName(EntryType t) => t switch
    {
        EntryType.File => "file",
        EntryType.Directory => "dir",
        EntryType.Symlink => "symlink",
        EntryType.Fifo => "fifo",
        EntryType.Socket => "socket",
        EntryType.CharDevice => "char-device",
        EntryType.BlockDevice => "block-device",
        _ => "unknown",
    };
}
