namespace Archiver.Stores;

/// <summary><c>file:///absolute/dir</c>: the embedded default, a directory on this machine
/// (or a mounted network file system).</summary>
public sealed class FileStoreProvider : IStoreProvider
{
    public string Scheme => "file";

    public IEnumerable<string> Validate(Uri url, IReadOnlyDictionary<string, string> options)
    {
        if (!string.IsNullOrEmpty(url.Host) && url.Host != "localhost")
            yield return $"file store URL '{url}' must be file:///absolute/path (three slashes)";
        foreach (var k in options.Keys)
            yield return $"file store takes no option '{k}'";
    }

    public IArchiveStore Create(Uri url, IReadOnlyDictionary<string, string> options) =>
        new FileArchiveStore(Uri.UnescapeDataString(url.AbsolutePath));
}
