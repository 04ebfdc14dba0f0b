using Archiver.Layouts;

namespace Archiver.Tests.Layouts;

public class PodLayoutTests
{
    [Fact]
    public void Identify_HostPathLayout_SplitsTheIncarnationSuffix()
    {
        var layout = PodLayout.Parse("{pod}");
        var plain = layout.Identify("web-0")!;
        var later = layout.Identify("web-0-1700000000")!;
        Assert.Equal(("web-0", 0L), (plain.BaseName, plain.Incarnation));
        Assert.Equal(("web-0", 1700000000L), (later.BaseName, later.Incarnation));
        Assert.Equal("web-0-1700000000", later.Name);
        // A short number is part of the name (StatefulSet ordinals, job hashes), not a timestamp.
        Assert.Equal(0, layout.Identify("job-28937460")!.Incarnation);
    }

    [Fact]
    public void Identify_SharedVolumeTemplate_CapturesEveryField()
    {
        var layout = PodLayout.Parse("{namespace}_{pod}_{podip}_{nodeip}_{node}");
        var pod = layout.Identify("shop_web-7d9f-x2x9z_10.1.2.3_192.168.0.5_node-a")!;
        Assert.Equal("shop", pod.Namespace);
        Assert.Equal("web-7d9f-x2x9z", pod.Name);
        Assert.Equal("node-a", pod.Fields["node"]);
        Assert.Equal("10.1.2.3", pod.Fields["podip"]);
        Assert.Null(layout.Identify("not-the-layout"));
        Assert.True(layout.HasNamespace);
    }

    [Fact]
    public void Identify_Regex_UsesNamedGroups()
    {
        var layout = PodLayout.Parse(@"^(?<namespace>[a-z0-9-]+)\.(?<pod>[a-z0-9-]+)$");
        Assert.Equal("ns1/web-1", layout.Identify("ns1.web-1")!.Display);
        Assert.Null(layout.Identify("UPPER.case"));
    }

    [Fact]
    public void TryParse_WithoutPodField_IsRefused()
    {
        Assert.False(PodLayout.TryParse("{namespace}_{name}", out _, out var error));
        Assert.Contains("no pod field", error);
        Assert.False(PodLayout.TryParse("^(?<pod>[a-z", out _, out var bad));
        Assert.Contains("not a valid regular expression", bad);
    }

    [Fact]
    public void Identify_CatastrophicRegex_IsBoundedAndNeverMatches()
    {
        var layout = PodLayout.Parse(@"^(?<pod>(a+)+)$");
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(layout.Identify(new string('a', 40) + "!"));
        // Unbounded, (a+)+ backtracks 2^40 times on this name: hours. The 200ms match timeout ends
        // it; a minute leaves room for a loaded machine.
        Assert.True(started.Elapsed < TimeSpan.FromMinutes(1), $"took {started.Elapsed}");
    }
}
