namespace Archiver.Journal;

/// <summary>Where one directory is on its way from disk to store. Each state is written (fsync)
/// before the step it announces, so a restarted sweep knows what may be half done.</summary>
public enum JournalState
{
    /// <summary>Key chosen; an upload may be under way (its id is recorded once started).</summary>
    Archiving,
    /// <summary>Archive and manifest are complete in the store; not yet verified.</summary>
    Uploaded,
    /// <summary>The stored archive was checked against what was written.</summary>
    Verified,
    /// <summary>Deletion started; only a verified archive gets here.</summary>
    Deleting,
    /// <summary>Verified and kept on disk because the policy says afterUpload: keep.</summary>
    Kept,
}
