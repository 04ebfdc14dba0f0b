namespace Archiver.Journal;

/// <summary>
/// The journal's state machine, in one table: every move a directory's record may make, and how it
/// may be closed. <see cref="DirectoryJournal"/> consults it on every write; anything not listed is
/// a bug and is refused before it is recorded.
/// <code>
/// (none) ─▶ Archiving ─▶ Uploaded ─(verified)─▶ Deleting ─▶ closed: deleted
///              ▲            │    └─(verified)─▶ Kept ───┘
///              └─ rejected ─┘
/// Uploaded ─▶ Verified ─▶ Kept or Deleting: records of earlier versions, which wrote the verify on its own
/// any state but Deleting ─▶ closed: vanished;   Uploaded, Verified or Kept ─▶ closed: superseded
/// any state ─▶ itself (fields recorded, no progress)
/// </code>
/// "(verified)": the move is allowed only for a record that carries its verify's stamp
/// (<see cref="JournalRecord.VerifiedAt"/>): a verify is recorded with the state that follows it,
/// not in a journal write of its own, and nothing reaches Kept or Deleting without one.
/// </summary>
public static class JournalTransitions
{
    /// <summary>Moves allowed only for a record stamped by its verify (<see cref="JournalRecord.VerifiedAt"/>).</summary>
    public static IReadOnlySet<(JournalState From, JournalState To)> NeedVerify { get; } = new HashSet<(JournalState, JournalState)>
    {
        (JournalState.Uploaded, JournalState.Kept),
        (JournalState.Uploaded, JournalState.Deleting),
    };

    /// <summary>Allowed moves; a null <c>From</c> is a directory with no record yet.</summary>
    public static IReadOnlySet<(JournalState? From, JournalState To)> Moves { get; } = new HashSet<(JournalState?, JournalState)>(
    [
        (null, JournalState.Archiving),
        (JournalState.Archiving, JournalState.Uploaded),
        // Rejected by verify: archived afresh, the stored copy never adopted (JournalRecord.Rejected).
        (JournalState.Uploaded, JournalState.Archiving),
        (JournalState.Uploaded, JournalState.Verified),
        // Verified just now: the stamp goes with the next state (only with it, CheckMove).
        .. NeedVerify.Select(m => ((JournalState?)m.From, m.To)),
        (JournalState.Verified, JournalState.Kept),
        (JournalState.Verified, JournalState.Deleting),
        (JournalState.Kept, JournalState.Deleting),
        // Fields recorded without a change of state, in any state: the upload requested and its id
        // (Archiving), an interrupted upload aborted (the "requested" flag survives an adoption when
        // the store could not list uploads), a delete resumed after a crash recording its intent again.
        .. Enum.GetValues<JournalState>().Select(s => ((JournalState?)s, s)),
    ]);

    /// <summary>Allowed closings: only a delete that was recorded as started closes as deleted (and
    /// such a directory found gone was deleted, not vanished).</summary>
    public static IReadOnlySet<(JournalState From, JournalClosing As)> Closings { get; } = new HashSet<(JournalState, JournalClosing)>
    {
        (JournalState.Archiving, JournalClosing.Vanished),
        (JournalState.Uploaded, JournalClosing.Vanished),
        (JournalState.Verified, JournalClosing.Vanished),
        (JournalState.Kept, JournalClosing.Vanished),
        (JournalState.Uploaded, JournalClosing.Superseded),
        (JournalState.Verified, JournalClosing.Superseded),
        (JournalState.Kept, JournalClosing.Superseded),
        (JournalState.Deleting, JournalClosing.Deleted),
    };

    /// <summary>Throws unless <paramref name="dir"/>'s record may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static void CheckMove(string dir, JournalState? from, JournalState to, bool verified = false)
    {
        if (!Moves.Contains((from, to)))
            throw Refused(dir, from?.ToString() ?? "no record", to.ToString());
        if (from is { } f && NeedVerify.Contains((f, to)) && !verified)
            throw Refused(dir, f.ToString(), to.ToString(), "its archive was not verified");
    }

    /// <summary>Throws unless <paramref name="dir"/>'s record may be closed from <paramref name="from"/> as <paramref name="closing"/>.</summary>
    public static void CheckClosing(string dir, JournalState from, JournalClosing closing)
    {
        if (!Closings.Contains((from, closing)))
            throw Refused(dir, from.ToString(), $"closed ({closing})");
    }

    private static InvalidOperationException Refused(string dir, string from, string to, string? why = null) =>
        new($"journal of {dir}: refused to move from {from} to {to}{(why is null ? "" : $": {why}")}; this is a bug in Archiver, nothing was recorded or deleted for this step (report it with the journal record)");
}
