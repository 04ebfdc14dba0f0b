namespace Archiver.Pipeline;

public static class ReasonClasses
{
    /// <summary>The label a reason class goes by in <c>archiver_directories_total{reason}</c> and in
    /// <c>--json</c> output; dashboards and alerts filter on these, so they never change.</summary>
    public static string Label(this ReasonClass reasonClass) => reasonClass switch
    {
        ReasonClass.Eligible => "eligible",
        ReasonClass.Forced => "forced",
        ReasonClass.Resume => "resume",
        ReasonClass.NotDirectory => "not-directory",
        ReasonClass.OtherFileSystem => "other-filesystem",
        ReasonClass.Layout => "layout-mismatch",
        ReasonClass.Live => "pod-live",
        ReasonClass.Recent => "recently-modified",
        ReasonClass.LivenessUnknown => "liveness-unknown",
        ReasonClass.ScanFailed => "scan-failed",
        ReasonClass.Locked => "locked",
        ReasonClass.Kept => "kept",
        ReasonClass.KeptExpired => "kept-expired",
        _ => throw new ArgumentOutOfRangeException(nameof(reasonClass), reasonClass, null),
    };
}
