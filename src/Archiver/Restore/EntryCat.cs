using System.Security.Cryptography;
using Archiver.Archives;
using Archiver.Encryption;
using Archiver.Stores;

namespace Archiver.Restore;

/// <summary>What <c>archiver cat</c> wrote and whether it matched the manifest.</summary>
public sealed record CatResult(long Bytes, string Sha256, ManifestEntry Entry, EntryReadStats Stats)
{
    public bool Matches => Bytes == Entry.Size && (Entry.Sha256 is null || Entry.Sha256 == Sha256);
}

/// <summary>
/// Writes one file's content from an archive to a stream (stdout), reading only what holds it (see
/// <see cref="EntryReader"/>), hashing it on the way. The bytes go out as they are read, so a
/// mismatch with the manifest can only be reported after them.
/// </summary>
public static class EntryCat
{
    public static async Task<CatResult> RunAsync(IArchiveStore store, string key, ArchiveManifest manifest, ManifestEntry entry, Stream output, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        var source = entry;
        if (entry.Type == "hardlink")
            source = manifest.Entries.LastOrDefault(e => e.Path == entry.LinkTarget && e.Type == "file")
                ?? throw new InvalidDataException($"{entry.Path} is a hard link to {entry.LinkTarget}, which the manifest does not list as a file");
        else if (entry.Type != "file")
            throw new ConfigurationException($"{entry.Path} is a {entry.Type}{(entry.LinkTarget is { } t ? $" pointing to {t}" : "")}, not a file; cat prints files (restore it with restore --path)");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long written = 0;
        var stats = await EntryReader.ReadAsync(store, key, manifest, [source], (_, item) =>
        {
            var content = item.Content ?? Stream.Null;
            var buffer = new byte[1 << 16];
            void Emit(ReadOnlySpan<byte> bytes)
            {
                output.Write(bytes);
                hash.AppendData(bytes);
                written += bytes.Length;
            }
            void Copy(long count)
            {
                while (count > 0)
                {
                    var n = content.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
                    if (n == 0) throw new InvalidDataException($"{entry.Path}: the archive ends inside this file's data");
                    Emit(buffer.AsSpan(0, n));
                    count -= n;
                }
            }
            void Zeros(long count)
            {
                var zeros = new byte[Math.Min(count, buffer.Length)];
                for (; count > 0; count -= zeros.Length) Emit(zeros.AsSpan(0, (int)Math.Min(zeros.Length, count)));
            }
            if (item.Sparse is { } runs)
            {
                long at = 0;
                foreach (var run in runs)
                {
                    Zeros(run.Offset - at);
                    Copy(run.Length);
                    at = run.Offset + run.Length;
                }
                Zeros(item.Size - at);
            }
            else
            {
                Copy(item.Size);
            }
            output.Flush();
        }, identities, cancellationToken);
        return new CatResult(written, Convert.ToHexStringLower(hash.GetHashAndReset()), entry, stats);
    }
}
