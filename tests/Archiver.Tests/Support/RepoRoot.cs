namespace Archiver.Tests.Support;

/// <summary>The repository checkout the tests run from (the directory holding Archiver.sln).</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Archiver.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Archiver.sln above {AppContext.BaseDirectory}");
    }
}
