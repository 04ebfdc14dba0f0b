using System.Globalization;
using System.Security.Cryptography;

namespace Archiver.FileSystem;

/// <summary>
/// A hash of every path's lstat (type, size, mode, inode, mtime and ctime to the nanosecond), in
/// walk order. Two walks give the same value only if nothing was added, removed, written, touched
/// or chmod-ed in between; ctime catches writes whose mtime was put back.
/// </summary>
public sealed class TreeFingerprint
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long Entries { get; private set; }

    public void Add(TreeEntry e)
    {
        var s = e.Status;
        _hash.AppendData(FileName.Encode(string.Create(CultureInfo.InvariantCulture,
            $"{e.RelativePath}\0{s.Type}\0{s.Size}\0{(int)s.Mode}\0{s.Inode}\0{s.ModifiedNanos}\0{s.ChangedNanos}\n")));
        Entries++;
    }

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    /// <summary>Walks <paramref name="directory"/> again and fingerprints it.</summary>
    public static string Of(string directory)
    {
        var f = new TreeFingerprint();
        foreach (var e in TreeWalker.Walk(directory)) f.Add(e);
        return f.Finish();
    }
}
