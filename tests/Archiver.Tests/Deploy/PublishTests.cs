using System.Reflection.PortableExecutable;
using Archiver.Tests.Support;
using Archiver.Tests.Support.Identity;

namespace Archiver.Tests.Deploy;

/// <summary>The publish command the Dockerfile wraps produces a program that runs on its own, with
/// every native piece built for the architecture it was published for.</summary>
[Collection("publish")]
public class PublishTests(PublishedApp app)
{
    [Fact]
    public async Task PublishScript_Output_RunsTheDemoEndToEnd()
    {
        using var tmp = new TempDir("publish");
        var demo = await ProcessRunner.RunAsync("dotnet", [app.Dll, "demo", "--dir", tmp["demo"], "--json"], workingDirectory: tmp.Path);
        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Equal(3, Directory.EnumerateFiles(tmp["demo/store"], "*.tar.gz", SearchOption.AllDirectories).Count());
    }

    /// <summary>IRSA loads AWSSDK.SecurityToken by reflection: without it in the output every directory
    /// failed with "Assembly AWSSDK.SecurityToken could not be found or loaded". With STS unreachable the
    /// published app must get as far as calling STS, refuse the sweep before touching anything (exit 2:
    /// no usable credentials), and delete nothing.</summary>
    [Fact]
    public async Task PublishScript_Output_ReachesStsForIrsa()
    {
        using var scene = new IdentityScene();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var irsa = new Dictionary<string, string>
        {
            ["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/archiver",
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = scene.WriteFile("token", "header.payload.signature"),
            ["AWS_ENDPOINT_URL_STS"] = $"http://127.0.0.1:{closed}",
        };

        var sweep = await scene.SweepAsync("s3://bucket/p?endpoint=http%3A%2F%2F127.0.0.1%3A9&pathStyle=true&region=us-east-1", irsa, app.Dll);

        Assert.True(sweep.ExitCode == 2, sweep.ToString());
        Assert.DoesNotContain("could not be found or loaded", sweep.Out + sweep.Error, StringComparison.Ordinal);
        Assert.Contains($"no usable credentials: web identity (IRSA): AssumeRoleWithWebIdentity at http://127.0.0.1:{closed}", sweep.Error, StringComparison.Ordinal);
        Assert.Equal(IdentityScene.Pods, scene.Remaining);
    }

    [Fact]
    public async Task PublishScript_X64_CarriesLibzstdAndTimeZonesBuiltForX64()
    {
        var native = await NativeFilesAsync(app.Directory);
        Assert.Contains("libzstd.so.1", native.Keys);
        Assert.All(native, f => Assert.Contains("x86-64", f.Value));
        Assert.Equal(ReadyToRunMachine(Machine.Amd64), MachineOf(app.Dll));
        Assert.True(File.Exists(Path.Combine(app.Directory, "zoneinfo", "Asia", "Shanghai")), "no bundled time zones");
    }

    [Fact]
    public async Task PublishScript_Arm64_EveryNativeFileIsAarch64()
    {
        using var tmp = new TempDir("publish-arm64");
        await PublishedApp.PublishAsync(tmp["app"], "linux-arm64");

        var native = await NativeFilesAsync(tmp["app"]);
        Assert.Equal(["archiver", "libzstd.so.1"], native.Keys.Order(StringComparer.Ordinal));
        Assert.All(native, f => Assert.Contains("ARM aarch64", f.Value));
        Assert.Equal(ReadyToRunMachine(Machine.Arm64), MachineOf(tmp["app/archiver.dll"]));
        Assert.True(File.Exists(tmp["app/zoneinfo/Asia/Shanghai"]), "no bundled time zones");
    }

    /// <summary>Every ELF file of the output (the apphost, bundled libraries), with what
    /// <c>file</c> says of it.</summary>
    private static async Task<Dictionary<string, string>> NativeFilesAsync(string dir)
    {
        var result = new Dictionary<string, string>();
        foreach (var path in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            var magic = new byte[4];
            using (var f = File.OpenRead(path))
                if (f.Read(magic) < 4 || !magic.AsSpan().SequenceEqual("\u007fELF"u8)) continue;
            var r = await ProcessRunner.RunAsync("file", ["-b", path]);
            Assert.True(r.ExitCode == 0, r.ToString());
            result[Path.GetRelativePath(dir, path)] = r.Out.Trim();
        }
        Assert.NotEmpty(result);
        return result;
    }

    private static Machine MachineOf(string dll)
    {
        using var pe = new PEReader(File.OpenRead(dll));
        return pe.PEHeaders.CoffHeader.Machine;
    }

    /// <summary>A ReadyToRun image for Linux marks its machine XOR 0x7B79 (the "Linux machine
    /// override" of dotnet/runtime docs/design/coreclr/botr/readytorun-format.md).</summary>
    private static Machine ReadyToRunMachine(Machine cpu) => (Machine)((ushort)cpu ^ 0x7B79);
}
