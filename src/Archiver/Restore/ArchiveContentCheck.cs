using System.Buffers;
using System.Security.Cryptography;
using Archiver.Archives;
using Archiver.Encryption;

namespace Archiver.Restore;

/// <summary>
/// Reads an archive as a restore would, writing nothing: the stored bytes hashed, an encrypted
/// archive decrypted, every entry compared with the manifest and every file's content hashed
/// (a sparse file with its holes as zeros, as it is restored).
/// </summary>
public static class ArchiveContentCheck
{
    public static ManifestCheck Run(Stream stored, string key, ArchiveManifest manifest, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        var check = new ManifestCheck(manifest);
        using var hashing = new HashingReadStream(stored);
        using var buffered = new BufferedStream(hashing, 1 << 17);
        using var plain = ArchiveKeys.IsEncrypted(key)
            ? AgeDecryptingStream.Open(buffered, identities ?? throw new MissingIdentityException(key), leaveOpen: true)
            : null;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var reader = ArchiveReaders.Open(ArchiveKeys.Plain(key), (Stream?)plain ?? buffered);
            while (reader.Next() is { } item)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var parts = EntryPath.Components(item.Name);
                if (item.Kind == ItemKind.Unsupported || parts.Length == 0) continue;
                check.Entry(item, string.Join('/', parts), item.Kind == ItemKind.File ? Hash(item, buffer) : null);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        check.Finish(hashing.BytesRead, hashing.FinishHash());
        return check;
    }

    private static (string Sha256, long Size) Hash(ArchiveItem item, byte[] buffer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var content = item.Content ?? Stream.Null;
        if (item.Sparse is not { } runs)
        {
            var size = Append(content, hash, buffer, long.MaxValue);
            return (Finish(hash), size);
        }
        long hashed = 0;
        foreach (var run in runs)
        {
            AppendZeros(hash, run.Offset - hashed);
            Append(content, hash, buffer, run.Length);
            hashed = run.Offset + run.Length;
        }
        AppendZeros(hash, item.Size - hashed);
        return (Finish(hash), item.Size);
    }

    private static long Append(Stream content, IncrementalHash hash, byte[] buffer, long count)
    {
        long done = 0;
        int n;
        while (done < count && (n = content.Read(buffer, 0, (int)Math.Min(buffer.Length, count - done))) > 0)
        {
            hash.AppendData(buffer, 0, n);
            done += n;
        }
        return done;
    }

    private static void AppendZeros(IncrementalHash hash, long count)
    {
        Span<byte> zeros = stackalloc byte[4096];
        zeros.Clear();
        for (var left = count; left > 0; left -= zeros.Length) hash.AppendData(zeros[..(int)Math.Min(zeros.Length, left)]);
    }

    private static string Finish(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());
}
