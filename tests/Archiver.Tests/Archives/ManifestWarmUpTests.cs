using System.Text.Json;
using Archiver.Archives;

namespace Archiver.Tests.Archives;

public sealed class ManifestWarmUpTests
{
    /// <summary>The warm-up only helps if its sample meets every converter a real manifest read
    /// meets: a property added to the manifest must be added to the sample too.</summary>
    [Fact]
    public void WarmUpSample_NamesEveryPropertyOfEveryManifestType()
    {
        var sample = ArchiveManifest.WarmUpSample;
        Type[] types = [typeof(ArchiveManifest), typeof(ManifestSource), typeof(ManifestEntry), typeof(SkippedEntry), typeof(ManifestTotals), typeof(ManifestArchive), typeof(ManifestIndex)];

        var missing = types
            .SelectMany(t => ArchiveManifest.Json.GetTypeInfo(t).Properties.Select(p => $"{t.Name}.{p.Name}"))
            .Where(name => !sample.Contains($"\"{name.Split('.')[1]}\":", StringComparison.Ordinal))
            .ToList();

        Assert.True(missing.Count == 0, $"the warm-up sample lacks: {string.Join(", ", missing)}");
    }

    [Fact]
    public void WarmUpSample_IsAManifestTheReaderAccepts()
    {
        var m = JsonSerializer.Deserialize<ArchiveManifest>(ArchiveManifest.WarmUpSample, ArchiveManifest.Json)!;

        Assert.Equal(ArchiveManifest.CurrentFormat, m.Format);
        Assert.Equal(["dir", "file", "symlink"], m.Entries.Select(e => e.Type));
        Assert.Equal(1536, m.Entries[1].Offset);
        Assert.Equal("pod", Assert.Single(m.Source.Fields!).Key);
        Assert.Equal("socket", Assert.Single(m.Skipped).Type);
        Assert.Equal(1, m.Index!.Blocks);
    }
}
