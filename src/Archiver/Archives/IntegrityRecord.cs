using System.Text.Json;

namespace Archiver.Archives;

/// <summary>
/// <c>&lt;key&gt;.integrity.json</c> beside an age-encrypted archive: the size and SHA-256 of the
/// stored archive and of its encrypted manifest, as the daemon wrote them. It names no file and
/// holds nothing of the content, so anyone can check the stored objects without the private key
/// (<c>sha256sum</c>, or <c>archiver verify</c> without <c>--identity</c>).
/// </summary>
public sealed record IntegrityRecord
{
    public const string CurrentFormat = "archiver-integrity/1";

    public string Format { get; init; } = CurrentFormat;
    public string Encryption { get; init; } = "age";
    public StoredDigest Archive { get; init; } = new(0, "");
    public StoredDigest Manifest { get; init; } = new(0, "");

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ArchiveManifest.Json);

    /// <summary>Parses a record; throws <see cref="InvalidDataException"/> naming <paramref name="key"/>.</summary>
    public static IntegrityRecord Parse(string key, ReadOnlySpan<byte> json)
    {
        try
        {
            var record = JsonSerializer.Deserialize<IntegrityRecord>(json, ArchiveManifest.Json);
            if (record is null || record.Format != CurrentFormat || record.Archive.Sha256.Length != 64 || record.Manifest.Sha256.Length != 64)
                throw new InvalidDataException($"{key} is not an Archiver integrity record (archiver-integrity/1)");
            return record;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{key} is not valid JSON ({e.Message})", e);
        }
    }
}

/// <summary>The size and lowercase hex SHA-256 of a stored object's bytes.</summary>
public sealed record StoredDigest(long Size, string Sha256);
