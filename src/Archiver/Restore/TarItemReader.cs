using System.Formats.Tar;
using System.Globalization;
using Archiver.Archives;

namespace Archiver.Restore;

/// <summary>
/// Tar entries (ustar, GNU, PAX) through System.Formats.Tar, plus what it leaves to its caller: PAX
/// GNU.sparse 1.0 entries (real name and size from the extended attributes, the map from the start
/// of the data).
/// </summary>
public sealed class TarItemReader(Stream tar) : IArchiveItemReader
{
    private readonly TarReader _reader = new(tar, leaveOpen: true);

    public ArchiveItem? Next()
    {
        while (true)
        {
            var e = _reader.GetNextEntry(copyData: false);
            if (e is null) return null;
            if (e.EntryType is TarEntryType.GlobalExtendedAttributes) continue;
            var kind = e.EntryType switch
            {
                TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => ItemKind.File,
                TarEntryType.Directory => ItemKind.Directory,
                TarEntryType.SymbolicLink => ItemKind.Symlink,
                TarEntryType.HardLink => ItemKind.HardLink,
                _ => ItemKind.Unsupported,
            };
            var item = new ArchiveItem(e.Name, kind, e.Mode, e.Uid, e.Gid, e.ModificationTime, kind == ItemKind.File ? e.Length : 0,
                kind is ItemKind.Symlink or ItemKind.HardLink ? e.LinkName : null)
            {
                Content = e.DataStream ?? Stream.Null,
                TypeDescription = e.EntryType.ToString(),
            };
            if (e is PaxTarEntry pax && pax.ExtendedAttributes.TryGetValue("GNU.sparse.major", out var major))
                item = Sparse(item, pax, major);
            return item;
        }
    }

    private static ArchiveItem Sparse(ArchiveItem item, PaxTarEntry pax, string major)
    {
        var attrs = pax.ExtendedAttributes;
        if (major != "1" || attrs.GetValueOrDefault("GNU.sparse.minor") != "0")
            throw new InvalidDataException($"{item.Name}: GNU sparse format {major}.{attrs.GetValueOrDefault("GNU.sparse.minor")} is not supported (only 1.0); extract this archive with GNU tar");
        if (!attrs.TryGetValue("GNU.sparse.name", out var name) || !attrs.TryGetValue("GNU.sparse.realsize", out var sizeText)
            || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var realSize))
            throw new InvalidDataException($"{item.Name}: sparse entry lacks GNU.sparse.name or a valid GNU.sparse.realsize");
        var runs = SparseMap.Decode(item.Content!, realSize, pax.Length, name);
        return item with { Name = name, Size = realSize, Sparse = runs };
    }

    public void Dispose() => _reader.Dispose();
}
