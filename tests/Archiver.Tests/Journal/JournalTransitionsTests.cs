using System.Text.Json;
using Archiver.Journal;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Archiver.Tests.Journal;

/// <summary>Every move and every closing a journal record can be asked to make, through the real
/// journal on disk: the allowed ones are recorded, every other one is refused with the directory and
/// both states named, and leaves the record as it was.</summary>
public sealed class JournalTransitionsTests : IDisposable
{
    private const string Dir = "web-0";

    /// <summary>The state machine as the pipeline walks it (written out here, not read from the source).</summary>
    private static readonly HashSet<(JournalState? From, JournalState To)> AllowedMoves =
    [
        (null, JournalState.Archiving),
        (JournalState.Archiving, JournalState.Archiving),
        (JournalState.Archiving, JournalState.Uploaded),
        (JournalState.Uploaded, JournalState.Uploaded),
        (JournalState.Uploaded, JournalState.Archiving),
        (JournalState.Uploaded, JournalState.Verified),
        (JournalState.Verified, JournalState.Verified),
        (JournalState.Verified, JournalState.Kept),
        (JournalState.Verified, JournalState.Deleting),
        (JournalState.Kept, JournalState.Kept),
        (JournalState.Kept, JournalState.Deleting),
        (JournalState.Deleting, JournalState.Deleting),
    ];

    private static readonly HashSet<(JournalState From, JournalClosing As)> AllowedClosings =
    [
        (JournalState.Archiving, JournalClosing.Vanished),
        (JournalState.Uploaded, JournalClosing.Vanished),
        (JournalState.Verified, JournalClosing.Vanished),
        (JournalState.Kept, JournalClosing.Vanished),
        (JournalState.Uploaded, JournalClosing.Superseded),
        (JournalState.Verified, JournalClosing.Superseded),
        (JournalState.Kept, JournalClosing.Superseded),
        (JournalState.Deleting, JournalClosing.Deleted),
    ];

    /// <summary>Moves allowed only to a record its verify stamped (<see cref="JournalRecord.VerifiedAt"/>):
    /// how the pipeline goes on from a verified upload, the verify recorded with the next state.</summary>
    private static readonly HashSet<(JournalState From, JournalState To)> AllowedWhenVerified =
    [
        (JournalState.Uploaded, JournalState.Kept),
        (JournalState.Uploaded, JournalState.Deleting),
    ];

    /// <summary>A way to each state (through Verified, as earlier versions recorded it; the stamped
    /// moves are tested on their own).</summary>
    private static readonly Dictionary<JournalState, JournalState[]> PathTo = new()
    {
        [JournalState.Archiving] = [],
        [JournalState.Uploaded] = [JournalState.Uploaded],
        [JournalState.Verified] = [JournalState.Uploaded, JournalState.Verified],
        [JournalState.Kept] = [JournalState.Uploaded, JournalState.Verified, JournalState.Kept],
        [JournalState.Deleting] = [JournalState.Uploaded, JournalState.Verified, JournalState.Deleting],
    };

    private readonly TempDir _tmp = new("journal");
    private readonly DirectoryJournal _journal;

    public JournalTransitionsTests() => _journal = new DirectoryJournal(_tmp.Sub("state"), new FakeTimeProvider(DateTimeOffset.UtcNow));

    public void Dispose() => _tmp.Dispose();

    public static TheoryData<JournalState?, JournalState> EveryMove()
    {
        var data = new TheoryData<JournalState?, JournalState>();
        foreach (var from in Enum.GetValues<JournalState>().Select(s => (JournalState?)s).Prepend(null))
            foreach (var to in Enum.GetValues<JournalState>())
                data.Add(from, to);
        return data;
    }

    public static TheoryData<JournalState, JournalClosing> EveryClosing()
    {
        var data = new TheoryData<JournalState, JournalClosing>();
        foreach (var from in Enum.GetValues<JournalState>())
            foreach (var closing in Enum.GetValues<JournalClosing>())
                data.Add(from, closing);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryMove))]
    public void Advance_EveryPairOfStates_RecordsTheAllowedAndRefusesTheRest(JournalState? from, JournalState to)
    {
        var record = from is { } state ? Reach(state) : null;

        Func<JournalRecord> move = record is null
            ? () => _journal.Begin(new JournalRecord { Dir = Dir, Key = "k.tar.gz", State = to })
            : () => _journal.Advance(record with { BytesIn = 42 }, to);

        if (AllowedMoves.Contains((from, to)))
        {
            var moved = move();
            Assert.Equal(to, moved.State);
            Assert.Equal(to, _journal.Get(Dir)!.State);
            if (record is not null) Assert.Equal(42, _journal.Get(Dir)!.BytesIn);
        }
        else
        {
            var e = Assert.Throws<InvalidOperationException>(move);
            Assert.Contains(Dir, e.Message);
            Assert.Contains($"from {from?.ToString() ?? "no record"} to {to}", e.Message);
            Assert.Equal(from, _journal.Get(Dir)?.State);
            if (record is not null) Assert.Equal(0, _journal.Get(Dir)!.BytesIn);
        }
    }

    [Theory]
    [MemberData(nameof(EveryMove))]
    public void Advance_StampedByItsVerify_AlsoMovesFromUploadedToKeptOrDeleting(JournalState? from, JournalState to)
    {
        if (from is null) return; // Begin has no record to stamp
        var record = Reach(from.Value) with { VerifiedAt = DateTimeOffset.UtcNow };

        if (AllowedMoves.Contains((from, to)) || AllowedWhenVerified.Contains((from.Value, to)))
        {
            Assert.Equal(to, _journal.Advance(record, to).State);
            Assert.Equal(record.VerifiedAt, _journal.Get(Dir)!.VerifiedAt);
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => _journal.Advance(record, to));
            Assert.Equal(from, _journal.Get(Dir)!.State);
        }
    }

    [Theory]
    [InlineData(JournalState.Kept)]
    [InlineData(JournalState.Deleting)]
    public void Advance_UploadedNotVerified_RefusedNamingWhy(JournalState to)
    {
        var uploaded = Reach(JournalState.Uploaded);

        var e = Assert.Throws<InvalidOperationException>(() => _journal.Advance(uploaded, to));

        Assert.Contains($"journal of {Dir}: refused to move from Uploaded to {to}: its archive was not verified", e.Message);
        Assert.Equal(JournalState.Uploaded, _journal.Get(Dir)!.State);
    }

    [Theory]
    [MemberData(nameof(EveryClosing))]
    public void Close_EveryStateAndOutcome_ClosesTheAllowedAndRefusesTheRest(JournalState from, JournalClosing closing)
    {
        var record = Reach(from);

        if (AllowedClosings.Contains((from, closing)))
        {
            _journal.Close(record, closing);
            Assert.Null(_journal.Get(Dir));
            var line = JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(_journal.StateDirectory, "history.jsonl")))).RootElement;
            Assert.Equal(Dir, line.GetProperty("dir").GetString());
            Assert.Equal(DirectoryJournal.HistoryText(closing), line.GetProperty("outcome").GetString());
        }
        else
        {
            var e = Assert.Throws<InvalidOperationException>(() => _journal.Close(record, closing));
            Assert.Contains(Dir, e.Message);
            Assert.Contains($"from {from} to closed ({closing})", e.Message);
            Assert.Equal(from, _journal.Get(Dir)?.State);
            Assert.False(File.Exists(Path.Combine(_journal.StateDirectory, "history.jsonl")), "a refused closing writes no history");
        }
    }

    [Fact]
    public void HistoryText_EveryClosing_IsTheWordHistoryAlwaysUsed()
    {
        Assert.Equal(["deleted", "vanished", "superseded: modified after it was archived"],
            Enum.GetValues<JournalClosing>().Select(DirectoryJournal.HistoryText));
    }

    [Fact]
    public void Begin_DirectoryAlreadyHasARecord_IsRefusedAndKeepsIt()
    {
        var uploaded = Reach(JournalState.Uploaded);

        var e = Assert.Throws<InvalidOperationException>(() => _journal.Begin(new JournalRecord { Dir = Dir, Key = "other.tar.gz" }));

        Assert.Contains($"{Dir}: refused to begin a record over one in state Uploaded", e.Message);
        Assert.Equal(uploaded with { UpdatedAt = default }, _journal.Get(Dir)! with { UpdatedAt = default });
    }

    [Fact]
    public void Reject_UploadedCopy_GoesBackToArchivingWithoutItsUploadAndNeverToBeAdopted()
    {
        var uploaded = _journal.Advance(_journal.Begin(new JournalRecord { Dir = Dir, Key = "k.tar.gz", UploadId = "u1" }), JournalState.Uploaded);

        var rejected = _journal.Reject(uploaded);

        Assert.Equal((JournalState.Archiving, null, true), (rejected.State, rejected.UploadId, rejected.Rejected));
        Assert.Equal(rejected, _journal.Get(Dir));
    }

    private JournalRecord Reach(JournalState state) =>
        PathTo[state].Aggregate(_journal.Begin(new JournalRecord { Dir = Dir, Key = "k.tar.gz" }), (r, next) => _journal.Advance(r, next));
}
