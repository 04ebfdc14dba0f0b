using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Restore;

/// <summary>A pod root, a file store and a policy that keeps the archived directory, so a test can
/// archive a tree with the real CLI and compare its restore with the original.</summary>
public sealed class RestoreFixture : IDisposable
{
    public RestoreFixture(string name, string format = "tar.gz")
    {
        Temp = new TempDir(name);
        Root = Temp.Sub("data");
        StoreDir = Temp.Sub("store");
        PolicyFile = Temp["policy.yaml"];
        File.WriteAllText(PolicyFile, $$"""
            name: restore-test
            root: {{Root}}
            store: {{StoreUrl}}
            liveness: none
            afterUpload: keep
            format: {{format}}
            idleFor: 1s
            key: "{cluster}/{node}/{namespace}/{pod}/{dir}-{timestamp}.{{format}}"
            """);
    }

    public TempDir Temp { get; }
    public string Root { get; }
    public string StoreDir { get; }
    public string StoreUrl => new Uri(StoreDir).AbsoluteUri;
    public string PolicyFile { get; }

    /// <summary>Archives <c>Root/dir</c> with <c>archiver archive</c> and returns the archive's key.</summary>
    public async Task<string> ArchiveAsync(string dir, TimeProvider? clock = null)
    {
        var result = await CliRunner.RunAsync(clock ?? TimeProvider.System, "archive", Path.Combine(Root, dir), "--policy", PolicyFile, "--force");
        Assert.True(result.ExitCode == 0, result.ToString());
        return Keys().Where(k => k.Contains($"/{dir}-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Last();
    }

    /// <summary>Drops the journal, so a directory kept after archiving can be archived again.</summary>
    public void ForgetJournal() => Directory.Delete(Path.Combine(Root, ".archiver"), recursive: true);

    /// <summary>Archive keys (not manifests) in the store.</summary>
    public IEnumerable<string> Keys() =>
        Directory.EnumerateFiles(StoreDir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(StoreDir, f))
            .Where(k => !k.EndsWith(".manifest.json", StringComparison.Ordinal) && !Path.GetFileName(k).StartsWith('.'));

    public Task<CliRunner.Result> RestoreAsync(params string[] args) =>
        CliRunner.RunAsync(["restore", .. args, "--store", StoreUrl]);

    /// <summary>Removes every symlink first (never following one): TempDir's cleanup adds u+rwx to
    /// each directory it enumerates, and enumeration follows a symlink such as a hostile test's
    /// <c>evil -> /</c>, which would chmod directories outside the test.</summary>
    public void Dispose()
    {
        RemoveSymlinks(Temp.Path);
        Temp.Dispose();
    }

    private static void RemoveSymlinks(string dir)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(dir, "*", new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = true }))
        {
            var st = Archiver.FileSystem.FileStatus.TryGet(path);
            if (st?.Type == Archiver.FileSystem.EntryType.Symlink) File.Delete(path);
            else if (st?.IsDirectory == true) RemoveSymlinks(path);
        }
    }
}
