using System.Text.Json;
using Archiver.Primitives;

namespace Archiver.Journal;

/// <summary>
/// Writes journal records and history lines byte for byte as <see cref="DirectoryJournal"/>'s
/// System.Text.Json options would (JournalJsonWriterTests compares the two), without the serializer:
/// its metadata for a record's property types (long, ulong, bool, DateTimeOffset, their nullables)
/// are generic instantiations that ReadyToRun cannot precompile, JIT-compiled on the first record
/// of every process, before the first archive byte. Records are still read with the serializer.
/// </summary>
internal static class JournalJsonWriter
{
    public static byte[] Record(JournalRecord r) => SmallJson.Object(w =>
    {
        w.WriteString("dir", r.Dir);
        w.WriteString("key", r.Key);
        // As the reader's JsonStringEnumConverter names it (DirectoryJournal.Json).
        w.WriteString("state", JsonNamingPolicy.CamelCase.ConvertName(r.State.ToString()));
        w.WriteString("uploadId", r.UploadId);
        w.WriteBoolean("uploadRequested", r.UploadRequested);
        w.WriteNumber("archiveSize", r.ArchiveSize);
        w.WriteString("archiveSha256", r.ArchiveSha256);
        w.WriteString("archiveXxh128", r.ArchiveXxh128);
        w.WriteNumber("bytesIn", r.BytesIn);
        w.WriteString("fingerprint", r.Fingerprint);
        w.WriteBoolean("rejected", r.Rejected);
        w.WriteNumber("device", r.Device);
        w.WriteNumber("inode", r.Inode);
        if (r.VerifiedAt is { } verified) w.WriteString("verifiedAt", verified);
        else w.WriteNull("verifiedAt");
        w.WriteString("startedAt", r.StartedAt);
        w.WriteString("updatedAt", r.UpdatedAt);
    });

    public static byte[] HistoryLine(DirectoryJournal.HistoryLine h) => SmallJson.Object(w =>
    {
        w.WriteString("dir", h.Dir);
        w.WriteString("key", h.Key);
        w.WriteNumber("archiveSize", h.ArchiveSize);
        w.WriteString("archiveSha256", h.ArchiveSha256);
        w.WriteString("outcome", h.Outcome);
        w.WriteString("at", h.At);
    });
}
