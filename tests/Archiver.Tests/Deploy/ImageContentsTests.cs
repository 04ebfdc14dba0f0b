using System.Text.RegularExpressions;
using Archiver.Tests.Archives;
using Archiver.Tests.Support;

namespace Archiver.Tests.Deploy;

/// <summary>
/// The image's base (<c>runtime:10.0-noble-chiseled</c>) has no libzstd and no tzdata. Without
/// Docker, the published app is run as the image would run it: in a private mount namespace
/// (<c>unshare -m</c>, as root) where the system's libzstd and <c>/usr/share/zoneinfo</c> are
/// hidden by bind mounts, so only what <c>deploy/publish.sh</c> put in the app's folder is there.
/// </summary>
[Collection("publish")]
public class ImageContentsTests(PublishedApp app)
{
    /// <summary>Hides every libzstd the dynamic loader knows (its real files, under /dev/null) and
    /// the time zone directory (under an empty one), checks both are gone, then runs the command.</summary>
    private const string HideSystemLibraries = """
        set -eu
        mount --bind "$EMPTY" /usr/share/zoneinfo
        for lib in $(ldconfig -p | awk '/libzstd\.so\.1 /{print $NF}' | xargs -n1 readlink -f | sort -u); do
          mount --bind /dev/null "$lib"
        done
        if [ -e /usr/share/zoneinfo/Etc/UTC ]; then echo "zoneinfo still visible" >&2; exit 90; fi
        if python3 -c 'import ctypes; ctypes.CDLL("libzstd.so.1")' 2>/dev/null; then echo "the system libzstd still loads" >&2; exit 91; fi
        exec "$@"
        """;

    [Fact]
    public async Task PublishedApp_WithoutSystemLibzstdAndZoneinfo_UsesItsOwnCopies()
    {
        Assert.True(Environment.UserName == "root", "this test needs root for unshare -m and bind mounts (CI runs as root)");
        using var tmp = new TempDir("image");
        var now = TimeProvider.System.GetUtcNow();
        var pods = new PodTree(tmp.Sub("data"));
        pods.Pod("web-0", now - TimeSpan.FromDays(3));
        pods.Pod("job-1", now - TimeSpan.FromDays(2), dir => File.WriteAllBytes(Path.Combine(dir, "dump.bin"), CompressionSamples.LogLike(3 << 20)));
        var before = Directory.EnumerateDirectories(tmp["data"]).ToDictionary(d => Path.GetFileName(d), d => TreeSnapshot.Of(d));
        var policy = Path.Combine(tmp.Sub("policies"), "shanghai.yaml");
        File.WriteAllText(policy, $$"""
            name: shanghai
            root: {{tmp["data"]}}
            layout: "{pod}"
            idleFor: 1h
            schedule: "30 2 * * *"
            timeZone: Asia/Shanghai
            store:
              url: file://{{tmp["store"]}}
            format: tar.zst
            key: "{node}/{pod}/{dir}-{timestamp}.tar.zst"
            """);

        var version = await InImageAsync(tmp, "--version");
        Assert.Contains("zstd: native libzstd 1.", version);
        Assert.Contains($"(bundled: {app.Directory}/libzstd.so.1)", version);
        Assert.Contains($"time zones: {app.Directory}/zoneinfo (bundled", version);

        var validate = await InImageAsync(tmp, "policies", "validate", policy);
        Assert.Equal(3, Regex.Matches(validate, @"\d{4}-\d\d-\d\d 02:30:00 \+08:00").Count);

        await InImageAsync(tmp, "sweep", "--policy", policy, "--liveness", "none", "--node", "node-a", "--json");
        var archives = Directory.EnumerateFiles(tmp["store"], "*.tar.zst", SearchOption.AllDirectories).ToList();
        Assert.Equal(2, archives.Count);
        foreach (var archive in archives)
        {
            // Extracted outside the namespace, with the system's tools, as anyone restoring would.
            var pod = Path.GetFileName(Path.GetDirectoryName(archive)!);
            var restored = tmp.Sub($"restored/{pod}");
            ExternalTool.Check("tar", "--zstd", "-xf", archive, "-C", restored);
            Assert.Empty(before[pod].Diff(TreeSnapshot.Of(Path.Combine(restored, pod))));
        }
    }

    private async Task<string> InImageAsync(TempDir tmp, params string[] args)
    {
        File.WriteAllText(tmp["hide.sh"], HideSystemLibraries);
        var r = await ProcessRunner.RunAsync("unshare", ["-m", "--propagation", "private", "sh", tmp["hide.sh"], "dotnet", app.Dll, .. args],
            env: new Dictionary<string, string> { ["EMPTY"] = tmp.Sub("empty") });
        Assert.True(r.ExitCode == 0, $"archiver {string.Join(' ', args)} in the namespace: {r}");
        return r.Out;
    }
}
