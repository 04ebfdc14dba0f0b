namespace Archiver.Restore;

/// <summary>Checks an entry's name (or hard link target) before anything is written: no absolute
/// names, no <c>..</c> components, no NUL. Empty and <c>.</c> components are dropped, so
/// <c>./a//b/</c> is <c>a/b</c>; the archive root itself (<c>.</c>) is the empty path.</summary>
public static class EntryPath
{
    public static string[] Components(string name, string what = "entry")
    {
        if (name.StartsWith('/'))
            throw new UnsafeEntryException(name, $"{what} has an absolute name; restore writes only inside the target directory");
        if (name.Contains('\0'))
            throw new UnsafeEntryException(name, $"{what} name contains a NUL byte");
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains(".."))
            throw new UnsafeEntryException(name, $"{what} name has a '..' component and would write outside the target directory");
        return parts;
    }
}

/// <summary>An archive entry that would write outside the target directory (absolute name, '..',
/// or through a symlink). The restore stops at it.</summary>
public sealed class UnsafeEntryException(string name, string reason)
    : IOException($"refused entry '{Printable(name)}': {reason}")
{
    public string EntryName { get; } = name;

    public static string Printable(string name) => FileSystem.FileName.Printable(name);
}
