namespace Archiver.Journal;

/// <summary>
/// The journal's state machine, in one table: every move a directory's record may make, and how it
/// may be closed. <see cref="DirectoryJournal"/> consults it on every write; anything not listed is
/// a bug and is refused before it is recorded.
/// <code>
/// (none) ─▶ Archiving ─▶ Uploaded ─▶ Verified ─▶ Deleting ─▶ closed: deleted
///              ▲            │            │           ▲
///              └─ rejected ─┘            └─▶ Kept ───┘
/// any state but Deleting ─▶ closed: vanished;   Verified or Kept ─▶ closed: superseded
/// any state ─▶ itself (fields recorded, no progress)
/// </code>
/// </summary>
public static class JournalTransitions
{
    /// <summary>Allowed moves; a null <c>From</c> is a directory with no record yet.</summary>
    public static IReadOnlySet<(JournalState? From, JournalState To)> Moves { get; } = new HashSet<(JournalState?, JournalState)>(
    [
        (null, JournalState.Archiving),
        (JournalState.Archiving, JournalState.Uploaded),
        // Rejected by verify: archived afresh, the stored copy never adopted (JournalRecord.Rejected).
        (JournalState.Uploaded, JournalState.Archiving),
        (JournalState.Uploaded, JournalState.Verified),
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
        (JournalState.Verified, JournalClosing.Superseded),
        (JournalState.Kept, JournalClosing.Superseded),
        (JournalState.Deleting, JournalClosing.Deleted),
    };

    /// <summary>Throws unless <paramref name="dir"/>'s record may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static void CheckMove(string dir, JournalState? from, JournalState to)
    {
        if (!Moves.Contains((from, to)))
            throw Refused(dir, from?.ToString() ?? "no record", to.ToString());
    }

    /// <summary>Throws unless <paramref name="dir"/>'s record may be closed from <paramref name="from"/> as <paramref name="closing"/>.</summary>
    public static void CheckClosing(string dir, JournalState from, JournalClosing closing)
    {
        if (!Closings.Contains((from, closing)))
            throw Refused(dir, from.ToString(), $"closed ({closing})");
    }

    private static InvalidOperationException Refused(string dir, string from, string to) =>
        new($"journal of {dir}: refused to move from {from} to {to}; this is a bug in Archiver, nothing was recorded or deleted for this step (report it with the journal record)");
}
