namespace Archiver.Tests.Support;

/// <summary>
/// <c>deploy/publish.sh</c>'s output for this machine (linux-x64), published once for the tests of
/// the <c>publish</c> collection: what the Dockerfile copies into the image's <c>/app</c>. Publishes
/// run one at a time (they share <c>src/Archiver/obj</c>) and take minutes on a loaded machine.
/// </summary>
public sealed class PublishedApp : IAsyncLifetime
{
    private readonly TempDir _tmp = new("published");

    public string Directory => _tmp["app"];

    public string Dll => Path.Combine(Directory, "archiver.dll");

    public Task InitializeAsync() => PublishAsync(_tmp["app"], "linux-x64");

    public Task DisposeAsync()
    {
        _tmp.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Runs <c>RID=<paramref name="rid"/> deploy/publish.sh <paramref name="output"/></c> and fails the test unless it succeeds.</summary>
    public static async Task PublishAsync(string output, string rid)
    {
        var r = await ProcessRunner.RunAsync("sh", ["deploy/publish.sh", output], timeout: TimeSpan.FromMinutes(20), env: new Dictionary<string, string> { ["RID"] = rid });
        Assert.True(r.ExitCode == 0, $"RID={rid} deploy/publish.sh failed: {r}");
    }
}
