using Archiver.Policies;
using Archiver.Tests.Support;

namespace Archiver.Tests.Policies;

/// <summary>Time zones come from TZDIR, else the system, else the copy shipped with the app.</summary>
public sealed class TimeZoneDataTests : IDisposable
{
    private readonly TempDir _tmp = new("zones");

    private string Zones(string name)
    {
        var dir = _tmp.Sub(name);
        Directory.CreateDirectory(Path.Combine(dir, "Etc"));
        File.Copy("/usr/share/zoneinfo/Etc/UTC", Path.Combine(dir, "Etc", "UTC"));
        File.WriteAllText(Path.Combine(dir, "tzdata.zi"), "# version 2099z\n");
        return dir;
    }

    [Fact]
    public void Resolve_SystemHasZones_UsesTheSystems()
    {
        var system = Zones("system");
        Zones("app/zoneinfo");
        Assert.Equal((system, "system"), TimeZoneData.Resolve(null, system, _tmp["app"]));
    }

    [Fact]
    public void Resolve_SystemDirectoryEmptyOrMissing_UsesTheBundledCopy()
    {
        var bundled = Zones("app/zoneinfo");
        Assert.Equal((bundled, "bundled"), TimeZoneData.Resolve(null, _tmp.Sub("empty"), _tmp["app"]));
        Assert.Equal((bundled, "bundled"), TimeZoneData.Resolve(null, _tmp["missing"], _tmp["app"]));
        Assert.Equal($"{bundled} (bundled, tzdata 2099z)", TimeZoneData.Describe(null, _tmp["missing"], _tmp["app"]));
    }

    [Fact]
    public void Resolve_TzdirSet_WinsOverBoth()
    {
        var system = Zones("system");
        Zones("app/zoneinfo");
        Assert.Equal(("/opt/zones", "TZDIR"), TimeZoneData.Resolve("/opt/zones", system, _tmp["app"]));
    }

    [Fact]
    public void Describe_NoZonesAnywhere_SaysWhatToDo()
    {
        var text = TimeZoneData.Describe(null, _tmp["missing"], _tmp["app"]);
        Assert.Equal($"none: no {_tmp["missing"]} and no {_tmp["app"]}/zoneinfo; only UTC policies validate (install tzdata or set TZDIR)", text);
    }

    public void Dispose() => _tmp.Dispose();
}
