using System.Diagnostics;
using Archiver.FileSystem;
using Archiver.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Archiver.Tests.Restore;

/// <summary>The corpus with its 9 GiB sparse file: archived as a PAX GNU.sparse 1.0 entry (only the
/// data runs are read and stored), restored sparsely by Archiver and by GNU tar. What proves it is
/// counted in bytes (archive size, blocks on disk); the times are printed as measurements and bounded
/// only against a hang (this 2-core machine is shared).</summary>
public sealed class SparseFileTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ArchiveAndRestore_Sparse9GiBFile_SmallArchiveAndSparseRestores()
    {
        using var f = new RestoreFixture("sparse");
        var source = Directory.CreateDirectory(Path.Combine(f.Root, "web-0")).FullName;
        AdversarialTree.Build(source, withSparse: true);

        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var key = await f.ArchiveAsync("web-0");
        var archiveTime = clock.Elapsed;
        process.Refresh();
        var archiveCpu = process.TotalProcessorTime - cpu;
        var archiveSize = new FileInfo(Path.Combine(f.StoreDir, key)).Length;

        cpu = process.TotalProcessorTime;
        clock.Restart();
        var to = f.Temp["restored"];
        var result = await f.RestoreAsync(key, "--to", to);
        var restoreTime = clock.Elapsed;
        process.Refresh();
        var restoreCpu = process.TotalProcessorTime - cpu;
        Assert.True(result.ExitCode == 0, result.ToString());

        clock.Restart();
        var gnu = f.Temp.Sub("gnu");
        var (code, tarOutput) = FidelityTests.Run("tar", $"-xzf {FidelityTests.Quote(Path.Combine(f.StoreDir, key))} -C {FidelityTests.Quote(gnu)}");
        var gnuTime = clock.Elapsed;
        Assert.True(code == 0, tarOutput);

        var ours = FileStatus.Get(Path.Combine(to, "web-0", AdversarialTree.SparseName));
        var theirs = FileStatus.Get(Path.Combine(gnu, "web-0", AdversarialTree.SparseName));
        output.WriteLine($"sparse {AdversarialTree.SparseSize} bytes: archive {archiveTime.TotalSeconds:0.0}s ({archiveCpu.TotalSeconds:0.0}s CPU) -> {archiveSize} bytes; " +
                         $"archiver restore {restoreTime.TotalSeconds:0.0}s ({restoreCpu.TotalSeconds:0.0}s CPU), {ours.AllocatedBytes} bytes on disk; " +
                         $"GNU tar {gnuTime.TotalSeconds:0.0}s, {theirs.AllocatedBytes} bytes on disk");

        Assert.Equal(AdversarialTree.SparseSize, ours.Size);
        Assert.Equal(AdversarialTree.SparseSize, theirs.Size);
        // The data is about 1 MiB of random bytes (plus 3 MiB of written zeros that compress to
        // nothing); 9 GiB of holes stored as zeros would gzip to about 9 MiB.
        Assert.True(archiveSize < 4 << 20, $"archive is {archiveSize} bytes; the sparse file's data is about 1 MiB");
        Assert.True(ours.AllocatedBytes < 64 << 20, $"restored sparse file uses {ours.AllocatedBytes} bytes of disk");
        Assert.True(theirs.AllocatedBytes < 64 << 20, $"GNU tar's copy uses {theirs.AllocatedBytes} bytes of disk");
        Assert.True(archiveTime < TimeSpan.FromMinutes(10) && restoreTime < TimeSpan.FromMinutes(10), $"archive {archiveTime}, restore {restoreTime}");
        Assert.Empty(TreeComparison.Differences(source, Path.Combine(to, "web-0")));
        Assert.Empty(TreeComparison.Differences(source, Path.Combine(gnu, "web-0")));
    }
}
