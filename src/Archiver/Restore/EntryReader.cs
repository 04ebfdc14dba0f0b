using Archiver.Archives;
using Archiver.Encryption;
using Archiver.Stores;

namespace Archiver.Restore;

/// <summary>How a selective read went: bytes fetched from the store, in how many reads, and whether
/// the manifest's index let it fetch only ranges.</summary>
public sealed record EntryReadStats(long BytesFetched, int Reads, bool Indexed);

/// <summary>
/// Reads chosen entries of an archive without reading the rest. With a block index in the manifest
/// (<see cref="ManifestIndex"/>), each entry's tar bytes lie between its own offset and the next
/// entry's; the blocks holding them are fetched with one range read per run of touching blocks,
/// decompressed from the start of their first block, and the entry is read where the index says
/// (its name is checked against the manifest). Without an index (archives made before it), the
/// archive is streamed from the start and the read stops as soon as every wanted entry was seen.
/// An age-encrypted archive (<c>.age</c>) is read the same way through <see cref="EncryptedRanges"/>:
/// its header, then only the 64 KiB chunks that hold the wanted blocks, each authenticated.
/// Entries are handed to <c>onEntry</c> in archive order, their content readable until it returns.
/// </summary>
public static class EntryReader
{
    public static async Task<EntryReadStats> ReadAsync(IArchiveStore store, string key, ArchiveManifest manifest, IReadOnlyList<ManifestEntry> wanted,
        Action<ManifestEntry, ArchiveItem> onEntry, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        if (wanted.Count == 0) return new EntryReadStats(0, 0, manifest.Index is not null);
        var encrypted = ArchiveKeys.IsEncrypted(key);
        if (encrypted && identities is null) throw new MissingIdentityException(key);
        try
        {
            if (FormatOf(manifest.Index) is { } format && wanted.All(e => e.Offset is not null) && (!encrypted || manifest.Archive.PayloadOffset is not null))
            {
                var ranges = encrypted
                    ? await EncryptedRanges.OpenAsync(store, key, manifest.Archive.PayloadOffset!.Value, manifest.Archive.Size, identities!, cancellationToken)
                    : null;
                return await ReadRangesAsync(store, key, manifest.Index!, format, manifest, wanted, onEntry, ranges, cancellationToken);
            }
            return await StreamAsync(store, key, wanted, onEntry, identities, cancellationToken);
        }
        catch (InvalidDataException e) when (encrypted && e.Message.StartsWith("age ", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{key}: {e.Message}; nothing after that chunk was used (restore the whole archive, or check it with archiver verify {key} --identity FILE)", e);
        }
    }

    private static ArchiveFormat? FormatOf(ManifestIndex? index) => index?.Kind switch
    {
        ManifestIndex.GzipMembers => ArchiveFormat.TarGz,
        ManifestIndex.ZstdFrames => ArchiveFormat.TarZst,
        _ => null,
    };

    private static async Task<EntryReadStats> ReadRangesAsync(IArchiveStore store, string key, ManifestIndex index, ArchiveFormat format, ArchiveManifest manifest,
        IReadOnlyList<ManifestEntry> wanted, Action<ManifestEntry, ArchiveItem> onEntry, EncryptedRanges? ranges, CancellationToken cancellationToken)
    {
        var starts = manifest.Entries.Where(e => e.Offset is not null).Select(e => e.Offset!.Value).Distinct().Order().ToArray();
        Func<long, long, (long Start, long End)> stored = ranges is null ? (start, end) => (start, end) : ranges.Stored;
        long fetched = ranges?.HeaderBytes ?? 0;
        var reads = ranges is null ? 0 : 1;
        foreach (var run in Runs(index, starts, wanted, stored))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var range = ranges is null
                ? await store.OpenRangeAsync(key, run.Start, run.End - run.Start, cancellationToken)
                : await ranges.OpenAsync(run.Start, run.End, cancellationToken);
            await Task.Run(() =>
            {
                using var tar = new CountingReadStream(Compression.Decompress(range, format));
                foreach (var entry in run.Entries)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var skip = entry.Offset!.Value - run.TarStart - tar.BytesRead;
                    if (skip < 0) throw new InvalidDataException($"{key}: the index puts {entry.Path} inside the entry before it; the manifest is damaged");
                    tar.Skip(skip);
                    var item = new TarStreamReader(tar).Next()
                        ?? throw new InvalidDataException($"{key}: no tar entry where the index puts {entry.Path}; the index or the archive is damaged");
                    if (string.Join('/', EntryPath.Components(item.Name)) != entry.Path.TrimEnd('/'))
                        throw new InvalidDataException($"{key}: the index puts {entry.Path} at tar offset {entry.Offset} but {UnsafeEntryException.Printable(item.Name)} is there; the index or the archive is damaged");
                    onEntry(entry, item);
                }
            }, cancellationToken);
            var (from, to) = stored(run.Start, run.End);
            fetched += to - from;
            reads++;
        }
        return new EntryReadStats(fetched, reads, true);
    }

    private sealed record Run(long Start, long End, long TarStart, List<ManifestEntry> Entries);

    /// <summary>The wanted entries grouped by compressed range: an entry whose stored bytes (the
    /// blocks, or the age chunks holding them: <paramref name="stored"/>) touch the previous run's
    /// joins it, so neighbouring small files cost one read.</summary>
    private static List<Run> Runs(ManifestIndex index, long[] starts, IReadOnlyList<ManifestEntry> wanted, Func<long, long, (long Start, long End)> stored)
    {
        var runs = new List<Run>();
        foreach (var entry in wanted.OrderBy(e => e.Offset))
        {
            var at = entry.Offset!.Value;
            var next = Array.BinarySearch(starts, at) is var i and >= 0 && i + 1 < starts.Length ? starts[i + 1] : index.TarSize;
            var (start, end, tarStart) = index.RangeOf(at, Math.Max(next, at + 512));
            if (runs.Count > 0 && stored(start, end).Start <= stored(runs[^1].Start, runs[^1].End).End)
            {
                var last = runs[^1];
                runs[^1] = last with { End = Math.Max(last.End, end) };
                last.Entries.Add(entry);
            }
            else
            {
                runs.Add(new Run(start, end, tarStart, [entry]));
            }
        }
        return runs;
    }

    private static async Task<EntryReadStats> StreamAsync(IArchiveStore store, string key, IReadOnlyList<ManifestEntry> wanted,
        Action<ManifestEntry, ArchiveItem> onEntry, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        var pending = wanted.GroupBy(e => e.Path.TrimEnd('/'), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        await using var stored = await store.OpenReadAsync(key, cancellationToken);
        return await Task.Run(() =>
        {
            using var counted = new CountingReadStream(new BufferedStream(stored, 1 << 17));
            using var plain = ArchiveKeys.IsEncrypted(key) ? AgeDecryptingStream.Open(counted, identities!, leaveOpen: true) : null;
            using var reader = ArchiveReaders.Open(ArchiveKeys.Plain(key), (Stream?)plain ?? counted);
            while (pending.Count > 0 && reader.Next() is { } item)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (pending.Remove(string.Join('/', EntryPath.Components(item.Name)), out var entry)) onEntry(entry, item);
            }
            return new EntryReadStats(counted.BytesRead, 1, false);
        }, cancellationToken);
    }
}
