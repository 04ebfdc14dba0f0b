using Archiver.Journal;
using Archiver.Pipeline;
using Archiver.Stores;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

/// <summary>
/// <c>verify: full</c> reads the stored archive back: compared with the XxHash128 the archive stage
/// took as it wrote the bytes (in the same pass as their SHA-256), or, for a record without one (a
/// copy adopted from its manifest after a crash), re-hashed with SHA-256.
/// </summary>
public class VerifyStageTests
{
    [Fact]
    public async Task FullVerify_OneBitFlippedInTheStoredArchive_IsFoundWithOrWithoutTheWriteTimeCheck()
    {
        using var s = new SweepScene();
        s.Pod("web-1", fill: d => File.WriteAllText(Path.Combine(d, "app.log"), string.Concat(Enumerable.Repeat("GET /health 200\n", 50_000))));
        var ctx = PipelineHarness.Context(s, new FileArchiveStore(s.StoreDir));
        var uploaded = await ArchiveAsync(ctx);
        Assert.Equal(JournalState.Uploaded, uploaded.State);
        Assert.NotNull(uploaded.ArchiveXxh128);
        var adopted = uploaded with { ArchiveXxh128 = null };

        Assert.Null(await VerifyStage.CheckAsync(ctx, uploaded, CancellationToken.None));
        Assert.Null(await VerifyStage.CheckAsync(ctx, adopted, CancellationToken.None));

        var archive = Assert.Single(s.Archives());
        var bytes = File.ReadAllBytes(archive);
        bytes[bytes.Length / 2] ^= 0x01; // same size, one bit different
        File.WriteAllBytes(archive, bytes);

        var problem = await VerifyStage.CheckAsync(ctx, uploaded, CancellationToken.None);
        Assert.Contains($"archive {uploaded.Key} read back as {bytes.Length} bytes with xxh128", problem);
        Assert.Contains($"{bytes.Length} bytes with xxh128 {uploaded.ArchiveXxh128} were written", problem);
        problem = await VerifyStage.CheckAsync(ctx, adopted, CancellationToken.None);
        Assert.Contains($"{bytes.Length} bytes with sha256 {uploaded.ArchiveSha256} were written", problem);
    }

    /// <summary>The verify reads the manifest beside the archive whole (not its entries into memory):
    /// one cut short, or an object there that is not a manifest, fails it like a wrong size does.</summary>
    [Fact]
    public async Task Verify_AManifestCutShortOrNotAManifest_FailsAndSaysWhich()
    {
        using var s = new SweepScene();
        s.Pod("web-1", fill: d => File.WriteAllText(Path.Combine(d, "app.log"), "GET /health 200\n"));
        var ctx = PipelineHarness.Context(s, new FileArchiveStore(s.StoreDir));
        var uploaded = await ArchiveAsync(ctx);
        var manifest = Directory.GetFiles(s.StoreDir, "*.manifest.json", SearchOption.AllDirectories).Single();
        var whole = File.ReadAllBytes(manifest);
        Assert.Null(await VerifyStage.CheckAsync(ctx, uploaded, CancellationToken.None));

        File.WriteAllBytes(manifest, whole[..(whole.Length - 2)]);
        Assert.StartsWith($"manifest {uploaded.Key}.manifest.json is not valid JSON (", await VerifyStage.CheckAsync(ctx, uploaded, CancellationToken.None));

        File.WriteAllText(manifest, """{"format":"something-else","size":1}""");
        Assert.Equal($"manifest {uploaded.Key}.manifest.json does not give the archive's size and sha256", await VerifyStage.CheckAsync(ctx, uploaded, CancellationToken.None));

        File.Delete(manifest);
        Assert.Equal($"manifest {uploaded.Key}.manifest.json is missing", await VerifyStage.CheckAsync(ctx, uploaded, CancellationToken.None));
    }

    /// <summary>The archive stage alone, as the sweep runs it: the record it leaves is what verify reads.</summary>
    private static async Task<JournalRecord> ArchiveAsync(SweepContext ctx)
    {
        var plan = await Planner.PlanAsync(ctx, Discovery.Discover(ctx.Policy.Root, ctx.Policy.StateDirectory), force: false, CancellationToken.None);
        var item = Assert.Single(plan.ToArchive);
        var record = ctx.Journal.Begin(new JournalRecord
        {
            Dir = item.Candidate.Name,
            Key = ArchiveStage.KeyFor(ctx, item),
            State = JournalState.Archiving,
            StartedAt = ctx.Clock.GetUtcNow(),
        });
        return await ArchiveStage.RunAsync(ctx, item, record, () => { }, CancellationToken.None);
    }
}
