namespace Archiver.Archives;

/// <summary>How an <see cref="ArchiveFormat"/> is spelled: its name in a policy's <c>format</c>, the
/// <c>--format</c> flag and a manifest (<c>tar.gz</c>, <c>tar.zst</c>), and the extension its keys
/// end in (<c>.tar.gz</c>, <c>.tar.zst</c>).</summary>
public static class ArchiveFormatNames
{
    public static readonly IReadOnlyDictionary<string, ArchiveFormat> ByName =
        new Dictionary<string, ArchiveFormat> { ["tar.gz"] = ArchiveFormat.TarGz, ["tar.zst"] = ArchiveFormat.TarZst };

    public static string Name(this ArchiveFormat format) => format == ArchiveFormat.TarZst ? "tar.zst" : "tar.gz";

    public static string Extension(this ArchiveFormat format) => format == ArchiveFormat.TarZst ? ".tar.zst" : ".tar.gz";
}
