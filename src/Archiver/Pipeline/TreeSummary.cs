using Archiver.FileSystem;

namespace Archiver.Pipeline;

/// <summary>What classification needs of a tree: its newest mtime (files and directories alike)
/// and its size.</summary>
public sealed record TreeSummary(DateTimeOffset NewestChange, long Bytes, long Entries)
{
    public static TreeSummary Scan(string directory)
    {
        var newest = DateTimeOffset.MinValue;
        long bytes = 0, entries = 0;
        foreach (var e in TreeWalker.Walk(directory))
        {
            if (e.Status.ModifiedAt > newest) newest = e.Status.ModifiedAt;
            if (e.Status.Type == EntryType.File) bytes += e.Status.Size;
            entries++;
        }
        return new TreeSummary(newest, bytes, entries);
    }
}
