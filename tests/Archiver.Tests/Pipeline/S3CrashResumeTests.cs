using Archiver.Pipeline;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Pipeline;

/// <summary>
/// <see cref="CrashResumeTests"/> on the real S3 server (radosgw): the real binary is killed with
/// SIGKILL during a sweep, then one clean sweep runs. Afterwards no multipart upload is open in the
/// bucket, each directory has exactly one archive (and its manifest) that restores to the original
/// tree, and no directory was deleted or changed before a verified archive of it existed.
/// </summary>
[Collection("s3")]
public sealed class S3CrashResumeTests(S3Server server) : IDisposable
{
    private readonly TempDir _temp = new("s3crash");

    /// <summary>An upload created and not yet recorded, one with parts in flight, one completed and
    /// not yet recorded. (<see cref="CrashResumeTests"/> covers every point on the file store.)</summary>
    public static TheoryData<string> UploadPoints => new(CrashPoints.AfterCreateUpload, CrashPoints.MidTar, CrashPoints.AfterUpload);

    [Theory]
    [MemberData(nameof(UploadPoints))]
    public async Task Sweep_KilledDuringUpload_OneCleanSweepLeavesNoOpenUploadAndOneArchivePerDirectory(string point)
    {
        using var scene = await S3CrashScene.CreateAsync(server, _temp.Sub(point), ["web-1", "web-2"], mibEach: 1, "partSize=5MiB");

        var crashed = await scene.SweepAsync(crashAt: point);

        Assert.True(crashed.ExitCode != 0, $"expected the process to die at {point}: {crashed}");
        if (point == CrashPoints.AfterCreateUpload)
            Assert.True((await scene.OpenUploadsAsync()).Count > 0, "the crash between creating an upload and journaling its id must leave that upload open");
        await scene.AssertNothingLostAsync(point);

        var resumed = await scene.SweepAsync();

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        await scene.AssertArchivedExactlyOnceAsync(point);
    }

    [Fact]
    public async Task Sweep_KilledAfterCreatingUploadThenDirectoryWrittenAgain_NextSweepAbortsTheUploadAndKeepsTheDirectory()
    {
        using var scene = await S3CrashScene.CreateAsync(server, _temp.Sub("written"), ["web-1"], mibEach: 1, "partSize=5MiB");
        var crashed = await scene.SweepAsync(crashAt: CrashPoints.AfterCreateUpload);
        Assert.True(crashed.ExitCode != 0 && (await scene.OpenUploadsAsync()).Count == 1, crashed.ToString());

        // The pod's directory is written to again: not idle, so this sweep does not archive it.
        var log = scene.Touch("web-1", "late.log");
        var next = await scene.SweepAsync();

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Empty(await scene.OpenUploadsAsync());
        Assert.True(File.Exists(log) && File.Exists(Path.Combine(Path.GetDirectoryName(log)!, "data.bin")), "a directory that is not idle must stay");
        Assert.Empty(await scene.ObjectKeysAsync());
    }

    /// <summary>The scenario: kill -9 at random moments of a sweep, then one clean sweep.
    /// (<see cref="CrashScene.KillAtRandomMomentsThenSweepCleanAsync"/>)</summary>
    [Fact]
    public async Task Sweep_KilledAtRandomMoments_OneCleanSweepLeavesNoOpenUploadAndOneArchivePerDirectory()
    {
        // Incompressible data at a limited bandwidth: each sweep spends seconds uploading parts.
        using var scene = await S3CrashScene.CreateAsync(server, _temp.Sub("random"), ["job-1", "job-2", "job-3", "job-4"], mibEach: 6, "partSize=5MiB&bandwidth=8MiB");

        await scene.KillAtRandomMomentsThenSweepCleanAsync(kills: 4);
    }

    public void Dispose() => _temp.Dispose();
}
