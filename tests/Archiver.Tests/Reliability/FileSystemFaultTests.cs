using Archiver.Pipeline;
using Archiver.Stores;
using Archiver.Tests.Support;

namespace Archiver.Tests.Reliability;

/// <summary>The file system changes under Archiver's feet while it archives: whatever happens,
/// the directory is not deleted unless the archive holds what is on disk.</summary>
public class FileSystemFaultTests
{
    private static (SweepScene Scene, string Dir, HookStore Store) Scene()
    {
        var s = new SweepScene();
        var dir = s.Pod("web-1", fill: d =>
        {
            File.WriteAllBytes(Path.Combine(d, "a-big.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(8 << 20));
            File.WriteAllText(Path.Combine(d, "b.log"), "second file");
            File.WriteAllText(Path.Combine(d, "c.log"), "third file");
        });
        return (s, dir, new HookStore(new FileArchiveStore(s.StoreDir)));
    }

    public static TheoryData<string> Changes => new() { "append", "truncate", "add", "delete", "chmod" };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Archive_FileChangedWhileArchiving_DirectoryIsNotDeleted(string change)
    {
        var (s, dir, store) = Scene();
        using var _ = s;
        store.DuringUpload = _ =>
        {
            switch (change)
            {
                case "append": File.AppendAllText(Path.Combine(dir, "a-big.bin"), "more"); break;
                case "truncate": File.WriteAllBytes(Path.Combine(dir, "a-big.bin"), [1, 2, 3]); break;
                case "add": File.WriteAllText(Path.Combine(dir, "new.log"), "new"); break;
                case "delete": File.Delete(Path.Combine(dir, "c.log")); break;
                case "chmod": File.SetUnixFileMode(Path.Combine(dir, "a-big.bin"), UnixFileMode.UserRead); break; // already captured
            }
        };

        var outcome = Assert.Single(await PipelineHarness.SweepAsync(PipelineHarness.Context(s, store)));

        Assert.False(outcome.Deleted, $"{change}: {outcome.Reason} {outcome.Error}");
        Assert.True(Directory.Exists(dir));
        Assert.Empty(s.PartialUploads());
    }

    [Fact]
    public async Task Journal_StateDiskFull_NothingDeletedAndTheErrorSaysSo()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        var state = s.Tmp.Sub("state");
        ExternalTool.Check("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", state);
        try
        {
            File.WriteAllBytes(Path.Combine(state, "filler"), new byte[60 * 1024]);
            var r = await s.SweepAsync("--state", state);
            Assert.NotEqual(0, r.ExitCode);
            Assert.True(s.Exists("web-1"));
            Assert.Contains("No space left on device", r.Out + r.Error);
        }
        finally
        {
            ExternalTool.Check("umount", state);
        }
    }
}
