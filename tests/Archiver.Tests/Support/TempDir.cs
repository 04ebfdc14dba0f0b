namespace Archiver.Tests.Support;

/// <summary>A fresh directory under the system temp dir, deleted (best effort) when disposed.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string? name = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "archiver-tests", $"{name ?? "t"}-{Guid.NewGuid():N}"[..Math.Min(40, (name ?? "t").Length + 33)]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public string Sub(string relative) => Directory.CreateDirectory(this[relative]).FullName;

    /// <summary>Gives the owner rwx on every real directory of the tree so it can be removed. Types
    /// come from lstat: a symlink (tests leave links to "/" and to other directories) is never followed.</summary>
    private static void MakeRemovable(string dir)
    {
        var st = Archiver.FileSystem.FileStatus.TryGet(dir);
        if (st is not { IsDirectory: true }) return;
        File.SetUnixFileMode(dir, st.Mode | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var child in Directory.EnumerateFileSystemEntries(dir))
            MakeRemovable(child);
    }

    public void Dispose()
    {
        try
        {
            MakeRemovable(Path);
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // .NET cannot name files whose names are not UTF-8 (FileNameTests makes them); rm can.
            ExternalTool.Run("rm", "-rf", "--one-file-system", Path);
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
