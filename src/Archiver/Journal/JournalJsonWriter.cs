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
    private static readonly JsonEncodedText Dir = JsonEncodedText.Encode("dir"), Key = JsonEncodedText.Encode("key"),
        State = JsonEncodedText.Encode("state"), UploadId = JsonEncodedText.Encode("uploadId"),
        UploadRequested = JsonEncodedText.Encode("uploadRequested"), ArchiveSize = JsonEncodedText.Encode("archiveSize"),
        ArchiveSha256 = JsonEncodedText.Encode("archiveSha256"), ArchiveXxh128 = JsonEncodedText.Encode("archiveXxh128"),
        BytesIn = JsonEncodedText.Encode("bytesIn"), Fingerprint = JsonEncodedText.Encode("fingerprint"),
        Rejected = JsonEncodedText.Encode("rejected"), Device = JsonEncodedText.Encode("device"), Inode = JsonEncodedText.Encode("inode"),
        VerifiedAt = JsonEncodedText.Encode("verifiedAt"), StartedAt = JsonEncodedText.Encode("startedAt"),
        UpdatedAt = JsonEncodedText.Encode("updatedAt"), Outcome = JsonEncodedText.Encode("outcome"), At = JsonEncodedText.Encode("at");

    public static byte[] Record(JournalRecord r) => SmallJson.Object(w =>
    {
        w.WriteString(Dir, r.Dir);
        w.WriteString(Key, r.Key);
        w.WriteString(State, StateText(r.State));
        w.WriteString(UploadId, r.UploadId);
        w.WriteBoolean(UploadRequested, r.UploadRequested);
        w.WriteNumber(ArchiveSize, r.ArchiveSize);
        w.WriteString(ArchiveSha256, r.ArchiveSha256);
        w.WriteString(ArchiveXxh128, r.ArchiveXxh128);
        w.WriteNumber(BytesIn, r.BytesIn);
        w.WriteString(Fingerprint, r.Fingerprint);
        w.WriteBoolean(Rejected, r.Rejected);
        w.WriteNumber(Device, r.Device);
        w.WriteNumber(Inode, r.Inode);
        if (r.VerifiedAt is { } verified) w.WriteString(VerifiedAt, verified);
        else w.WriteNull(VerifiedAt);
        w.WriteString(StartedAt, r.StartedAt);
        w.WriteString(UpdatedAt, r.UpdatedAt);
    });

    public static byte[] HistoryLine(DirectoryJournal.HistoryLine h) => SmallJson.Object(w =>
    {
        w.WriteString(Dir, h.Dir);
        w.WriteString(Key, h.Key);
        w.WriteNumber(ArchiveSize, h.ArchiveSize);
        w.WriteString(ArchiveSha256, h.ArchiveSha256);
        w.WriteString(Outcome, h.Outcome);
        w.WriteString(At, h.At);
    });

    /// <summary>JsonStringEnumConverter with the camel-case policy.</summary>
    public static string StateText(JournalState state) => state switch
    {
        JournalState.Archiving => "archiving",
        JournalState.Uploaded => "uploaded",
        JournalState.Verified => "verified",
        JournalState.Deleting => "deleting",
        JournalState.Kept => "kept",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
