using Archiver.FileSystem;

namespace Archiver.Tests.Support;

/// <summary>Builds pod directories on the real file system, with mtimes set (without following
/// symlinks) so idle rules can be tested against a fake clock.</summary>
public sealed class PodTree(string root)
{
    public string Root { get; } = root;

    public string Pod(string name, DateTimeOffset mtime, Action<string>? fill = null)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        if (fill is null)
        {
            Directory.CreateDirectory(Path.Combine(dir, "logs"));
            File.WriteAllText(Path.Combine(dir, "logs", "app.log"), string.Concat(Enumerable.Repeat($"{name} says hello\n", 200)));
            Directory.CreateDirectory(Path.Combine(dir, "empty"));
        }
        else
        {
            fill(dir);
        }
        SetTreeTime(dir, mtime);
        return dir;
    }

    /// <summary>Sets the mtime of every entry in a tree (symlinks themselves, not their targets).</summary>
    public static void SetTreeTime(string dir, DateTimeOffset mtime)
    {
        foreach (var p in Directory.EnumerateFileSystemEntries(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                     .Append(dir).OrderByDescending(p => p.Length))
            Times.SetModified(p, mtime);
    }
}
