using Archiver.FileSystem;

namespace Archiver.Pipeline;

/// <summary>Stage 1: the immediate children of root, by lstat. Hidden names (which include the
/// state directory <c>.archiver</c>) and the state directory itself are never candidates.</summary>
public static class Discovery
{
    public static ulong RootDevice(string root) =>
        (FileStatus.TryGet(root) ?? throw new ConfigurationException($"root {root} does not exist; create it or fix root in the policy")).Device;

    public static IReadOnlyList<Candidate> Discover(string root, string stateDirectory)
    {
        var rootStatus = FileStatus.TryGet(root);
        if (rootStatus is not { IsDirectory: true })
            throw new ConfigurationException($"root {root} does not exist or is not a directory; create it or fix root in the policy");
        var state = Path.GetFullPath(stateDirectory).TrimEnd('/');
        var list = new List<Candidate>();
        foreach (var full in Directory.EnumerateFileSystemEntries(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(full);
            if (name.StartsWith('.')) continue;
            if (Path.GetFullPath(full).TrimEnd('/') == state) continue;
            var st = FileStatus.TryGet(full);
            if (st is null) continue;
            list.Add(new Candidate(name, full, st));
        }
        return list;
    }
}
