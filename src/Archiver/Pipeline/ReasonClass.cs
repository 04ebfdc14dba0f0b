namespace Archiver.Pipeline;

/// <summary>Why a directory was archived or skipped, in a few stable words (for metrics, filters
/// and <c>--json</c>); <see cref="ReasonClasses.Label"/> spells each one.</summary>
public enum ReasonClass
{
    Eligible,
    Forced,
    Resume,
    NotDirectory,
    OtherFileSystem,
    Layout,
    Live,
    Recent,
    LivenessUnknown,
    ScanFailed,
    Locked,
    /// <summary>Archived earlier and kept on disk (<c>afterUpload: keep</c>).</summary>
    Kept,
    /// <summary>A kept copy that has been kept for <c>keepLocalFor</c>, up for deletion.</summary>
    KeptExpired,
}
