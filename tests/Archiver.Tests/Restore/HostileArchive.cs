using System.Formats.Tar;
using System.IO.Compression;

namespace Archiver.Tests.Restore;

/// <summary>Writes hand-crafted .tar.gz archives (as an attacker would) into a file store.</summary>
public static class HostileArchive
{
    public sealed record Entry(TarEntryType Type, string Name, string? Link = null, string? Text = null);

    public static Entry File(string name, string text = "pwned\n") => new(TarEntryType.RegularFile, name, Text: text);

    public static Entry Symlink(string name, string target) => new(TarEntryType.SymbolicLink, name, target);

    public static Entry HardLink(string name, string target) => new(TarEntryType.HardLink, name, target);

    public static Entry Dir(string name) => new(TarEntryType.Directory, name);

    public static void Write(string path, params Entry[] entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = System.IO.File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gz, TarEntryFormat.Pax);
        foreach (var e in entries)
        {
            var entry = new PaxTarEntry(e.Type, e.Name) { Mode = (UnixFileMode)Convert.ToInt32("644", 8) };
            if (e.Link is not null) entry.LinkName = e.Link;
            if (e.Text is not null) entry.DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(e.Text));
            tar.WriteEntry(entry);
        }
    }
}
