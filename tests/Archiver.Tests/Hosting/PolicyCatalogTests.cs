using Archiver.Hosting;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Hosting;

public class PolicyCatalogTests
{
    private static string PolicyText(string name, string schedule, TempDir tmp) =>
        $"name: {name}\nroot: {tmp.Path}\nstore: file://{tmp.Path}/store\nliveness: none\nschedule: \"{schedule}\"\n";

    [Fact]
    public void Reload_ConfigMapSymlinkSwap_PicksUpTheNewContent()
    {
        // A mounted ConfigMap: p.yaml -> ..data/p.yaml, ..data -> ..<timestamp>; an update swaps ..data.
        using var tmp = new TempDir("configmap");
        var dir = tmp.Sub("policies");
        var v1 = Directory.CreateDirectory(Path.Combine(dir, "..2026_03_01_v1")).FullName;
        File.WriteAllText(Path.Combine(v1, "p.yaml"), PolicyText("p", "0 3 * * *", tmp));
        File.CreateSymbolicLink(Path.Combine(dir, "..data"), "..2026_03_01_v1");
        File.CreateSymbolicLink(Path.Combine(dir, "p.yaml"), "..data/p.yaml");
        var catalog = new PolicyCatalog(dir, null);
        Assert.True(catalog.Reload());
        Assert.Equal("0 3 * * *", Assert.Single(catalog.Policies).Policy.Schedule);

        var v2 = Directory.CreateDirectory(Path.Combine(dir, "..2026_03_01_v2")).FullName;
        File.WriteAllText(Path.Combine(v2, "p.yaml"), PolicyText("p", "0 4 * * *", tmp));
        File.Delete(Path.Combine(dir, "..data"));
        File.CreateSymbolicLink(Path.Combine(dir, "..data"), "..2026_03_01_v2");

        Assert.True(catalog.Reload());
        Assert.Equal("0 4 * * *", Assert.Single(catalog.Policies).Policy.Schedule);
        Assert.False(catalog.Reload(), "nothing changed since");
    }

    [Fact]
    public void Reload_StateBase_EachPolicyGetsItsOwnStateDirectory()
    {
        using var tmp = new TempDir("catalog");
        File.WriteAllText(Path.Combine(tmp.Sub("policies"), "a.yaml"), PolicyText("a", "0 3 * * *", tmp));
        var catalog = new PolicyCatalog(tmp["policies"], tmp["state"]);
        catalog.Reload();
        Assert.Equal(Path.Combine(tmp["state"], "a"), Assert.Single(catalog.Policies).Policy.StateDirectory);
    }

    [Fact]
    public void Reload_TwoFilesSameName_SecondRejectedFirstRuns()
    {
        using var tmp = new TempDir("catalog");
        File.WriteAllText(Path.Combine(tmp.Sub("policies"), "a.yaml"), PolicyText("same", "0 3 * * *", tmp));
        File.WriteAllText(Path.Combine(tmp["policies"], "b.yaml"), PolicyText("same", "0 4 * * *", tmp));
        var catalog = new PolicyCatalog(tmp["policies"], null);
        catalog.Reload();
        Assert.Equal("0 3 * * *", Assert.Single(catalog.Policies).Policy.Schedule);
        Assert.Contains("also used by", Assert.Single(catalog.Problems).Message);
    }
}
