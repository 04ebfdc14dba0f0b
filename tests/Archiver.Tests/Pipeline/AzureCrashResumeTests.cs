using Archiver.Pipeline;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Pipeline;

/// <summary>
/// <see cref="S3CrashResumeTests"/> on Azurite: the real binary is killed with SIGKILL during a sweep
/// to <c>azblob://</c>, then one clean sweep runs. Afterwards each directory has exactly one committed
/// archive (and its manifest) that GNU tar restores to the original tree, no directory was deleted or
/// changed before a verified archive of it existed, and blocks an interrupted upload staged were never
/// committed.
/// </summary>
[Collection("azurite")]
public sealed class AzureCrashResumeTests(AzuriteServer server) : IDisposable
{
    private readonly TempDir _temp = new("azcrash");

    public static TheoryData<string> UploadPoints => new(CrashPoints.AfterCreateUpload, CrashPoints.MidTar, CrashPoints.BeforeComplete, CrashPoints.AfterUpload);

    [Theory]
    [MemberData(nameof(UploadPoints))]
    public async Task Sweep_KilledDuringUpload_OneCleanSweepLeavesOneArchivePerDirectory(string point)
    {
        using var scene = await AzureCrashScene.CreateAsync(server, _temp.Sub(point), ["web-1", "web-2"], mibEach: 3, "partSize=1MiB");

        var crashed = await scene.SweepAsync(crashAt: point);

        Assert.True(crashed.ExitCode != 0, $"expected the process to die at {point}: {crashed}");
        if (point == CrashPoints.BeforeComplete)
            Assert.True((await scene.ObjectKeysAsync()).Count == 0, "blocks staged before the commit must not be readable as a blob");
        await scene.AssertNothingLostAsync(point);

        var resumed = await scene.SweepAsync();

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        await scene.AssertArchivedExactlyOnceAsync(point);
    }

    /// <summary>The scenario: kill -9 at random moments of an Azure sweep, then one clean sweep.
    /// (<see cref="CrashScene.KillAtRandomMomentsThenSweepCleanAsync"/>)</summary>
    [Fact]
    public async Task Sweep_KilledAtRandomMoments_OneCleanSweepLeavesOneArchivePerDirectory()
    {
        // Incompressible data in small blocks: each sweep spends a few seconds compressing and staging.
        using var scene = await AzureCrashScene.CreateAsync(server, _temp.Sub("random"), ["job-1", "job-2", "job-3", "job-4"], mibEach: 24, "partSize=1MiB&uploadConcurrency=2");

        await scene.KillAtRandomMomentsThenSweepCleanAsync(kills: 5);
    }

    public void Dispose() => _temp.Dispose();
}
