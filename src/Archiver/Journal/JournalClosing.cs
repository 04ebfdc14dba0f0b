namespace Archiver.Journal;

/// <summary>How a directory's record is closed (appended to <c>history.jsonl</c> and removed).</summary>
public enum JournalClosing
{
    /// <summary>The directory was deleted after its archive was verified.</summary>
    Deleted,
    /// <summary>The directory is gone, removed by someone else; whatever was archived stays archived.</summary>
    Vanished,
    /// <summary>Modified after it was archived: kept on disk, a later sweep archives it again.</summary>
    Superseded,
}
