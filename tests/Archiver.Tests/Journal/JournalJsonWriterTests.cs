using System.Text;
using System.Text.Json;
using Archiver.Journal;

namespace Archiver.Tests.Journal;

/// <summary>
/// Journal records and history lines are written by hand and read by System.Text.Json (records
/// when a sweep resumes; history by users' scripts): the hand-written form must be the
/// serializer's, byte for byte.
/// </summary>
public sealed class JournalJsonWriterTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567);

    /// <summary>Every property set (checked below), with strings that need escaping.</summary>
    private static readonly JournalRecord Full = new()
    {
        Dir = "ns_web-0_10.0.0.1_10.0.1.1_node \"a\" <é>", Key = "c/n/ns/web-0/web-0-20260506T070809Z.tar.gz", State = JournalState.Deleting,
        UploadId = "2~abc+/=", UploadRequested = true, ArchiveSize = 9_876_543_210, ArchiveSha256 = new string('a', 64), ArchiveXxh128 = new string('b', 32),
        BytesIn = 12_345_678_901, Fingerprint = "fp:1", Rejected = true, Device = ulong.MaxValue, Inode = 1UL << 63,
        VerifiedAt = At, StartedAt = At.AddMinutes(-3).ToOffset(TimeSpan.FromHours(8)), UpdatedAt = At.AddTicks(1),
    };

    public static TheoryData<JournalRecord> Records()
    {
        var data = new TheoryData<JournalRecord> { Full, new JournalRecord(), new JournalRecord { Dir = "d", Key = "k", StartedAt = At } };
        foreach (var state in Enum.GetValues<JournalState>()) data.Add(Full with { State = state, VerifiedAt = null, UploadId = null });
        return data;
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Record_IsWhatTheSerializerWrites_AndReadsBack(JournalRecord record)
    {
        var written = JournalJsonWriter.Record(record);

        Assert.Equal(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(record, DirectoryJournal.Json)), Encoding.UTF8.GetString(written));
        Assert.Equal(record, JsonSerializer.Deserialize<JournalRecord>(written, DirectoryJournal.Json));
    }

    [Fact]
    public void FullRecord_SetsEveryProperty()
    {
        var unset = DirectoryJournal.Json.GetTypeInfo(typeof(JournalRecord)).Properties
            .Where(p => p.Get!(Full) is var v && (v is null || v.Equals(p.PropertyType.IsValueType ? Activator.CreateInstance(p.PropertyType) : null)))
            .Select(p => p.Name);

        Assert.Empty(unset);
    }

    [Fact]
    public void HistoryLine_IsWhatTheSerializerWrites()
    {
        foreach (var line in new[] { new DirectoryJournal.HistoryLine(Full.Dir, Full.Key, 5, "sha", "deleted", At), new DirectoryJournal.HistoryLine("d", "k", 0, null, "vanished", default) })
            Assert.Equal(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(line, DirectoryJournal.Json)), Encoding.UTF8.GetString(JournalJsonWriter.HistoryLine(line)));
    }
}
