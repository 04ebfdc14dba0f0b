using Archiver.Pipeline;

namespace Archiver.Tests.Pipeline;

public class ReasonClassesTests
{
    /// <summary>The labels dashboards, alerts and <c>--json</c> consumers filter on, as they have
    /// always been spelled: renaming a reason class must not rename its label.</summary>
    [Fact]
    public void Label_EveryReasonClass_HasItsOwnUnchangingLabel()
    {
        var expected = new Dictionary<ReasonClass, string>
        {
            [ReasonClass.Eligible] = "eligible",
            [ReasonClass.Forced] = "forced",
            [ReasonClass.Resume] = "resume",
            [ReasonClass.NotDirectory] = "not-directory",
            [ReasonClass.OtherFileSystem] = "other-filesystem",
            [ReasonClass.Layout] = "layout-mismatch",
            [ReasonClass.Live] = "pod-live",
            [ReasonClass.Recent] = "recently-modified",
            [ReasonClass.LivenessUnknown] = "liveness-unknown",
            [ReasonClass.ScanFailed] = "scan-failed",
            [ReasonClass.Locked] = "locked",
            [ReasonClass.Kept] = "kept",
            [ReasonClass.KeptExpired] = "kept-expired",
        };

        Assert.Equal(expected, Enum.GetValues<ReasonClass>().ToDictionary(c => c, c => c.Label()));
    }
}
