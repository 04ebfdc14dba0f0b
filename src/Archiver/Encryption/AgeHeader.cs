using System.Security.Cryptography;
using System.Text;

namespace Archiver.Encryption;

/// <summary>
/// The textual age header: <c>age-encryption.org/v1</c>, one stanza per recipient (arguments,
/// then the body in base64 wrapped at 64 columns, ending with a shorter line), and
/// <c>--- MAC</c>, an HMAC-SHA-256 of everything up to and including <c>---</c>.
/// </summary>
internal static class AgeHeader
{
    public const string VersionLine = "age-encryption.org/v1";
    private const int MaxHeaderBytes = 1 << 20;

    public static byte[] Write(IEnumerable<AgeStanza> stanzas, byte[] fileKey)
    {
        var sb = new StringBuilder(VersionLine).Append('\n');
        foreach (var s in stanzas)
        {
            sb.Append("-> ").Append(s.Type);
            foreach (var a in s.Args) sb.Append(' ').Append(a);
            sb.Append('\n');
            var body = AgeBase64.Encode(s.Body);
            for (var i = 0; i <= body.Length; i += 64) sb.Append(body.AsSpan(i, Math.Min(64, body.Length - i))).Append('\n');
        }
        sb.Append("---");
        var mac = AgeCrypto.HeaderMac(fileKey, Encoding.ASCII.GetBytes(sb.ToString()));
        sb.Append(' ').Append(AgeBase64.Encode(mac)).Append('\n');
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>Reads the header from <paramref name="source"/> (byte by byte, so nothing of the
    /// payload is consumed) and returns the file key one of <paramref name="identities"/> unwraps.</summary>
    public static byte[] ReadFileKey(Stream source, IReadOnlyList<AgeIdentity> identities)
    {
        var raw = new MemoryStream();
        if (ReadLine(source, raw) != VersionLine)
            throw new InvalidDataException("not an age file: it does not start with age-encryption.org/v1");
        var stanzas = new List<AgeStanza>();
        string line;
        while ((line = ReadLine(source, raw)).StartsWith("-> ", StringComparison.Ordinal))
        {
            var parts = line[3..].Split(' ');
            if (parts.Any(p => p.Length == 0)) throw new InvalidDataException("age header: a stanza line has empty arguments");
            var body = new StringBuilder();
            string chunk;
            do
            {
                chunk = ReadLine(source, raw);
                if (chunk.Length > 64) throw new InvalidDataException("age header: a stanza body line is longer than 64 columns");
                body.Append(chunk);
            }
            while (chunk.Length == 64);
            var bytes = AgeBase64.Decode(body.ToString()) ?? throw new InvalidDataException("age header: a stanza body is not canonical base64");
            stanzas.Add(new AgeStanza(parts[0], parts[1..], bytes));
        }
        if (!line.StartsWith("--- ", StringComparison.Ordinal) || stanzas.Count == 0)
            throw new InvalidDataException("age header: expected recipient stanzas and a '--- MAC' line");
        if (stanzas.Any(s => s.Type == "scrypt"))
            throw new InvalidDataException("this age file is encrypted with a passphrase (scrypt); Archiver reads files encrypted to X25519 recipients (age -r age1...)");
        var fileKey = Unwrap(stanzas, identities);
        var macInput = raw.GetBuffer().AsSpan(0, (int)raw.Length - line.Length - 1 + 3);
        var mac = AgeBase64.Decode(line[4..]);
        if (mac is null || !CryptographicOperations.FixedTimeEquals(mac, AgeCrypto.HeaderMac(fileKey, macInput)))
            throw new InvalidDataException("age header MAC does not match: the header was changed");
        return fileKey;
    }

    private static byte[] Unwrap(List<AgeStanza> stanzas, IReadOnlyList<AgeIdentity> identities)
    {
        foreach (var s in stanzas)
            foreach (var id in identities)
                if (id.Unwrap(s) is { Length: AgeCrypto.FileKeySize } key) return key;
        var x25519 = stanzas.Count(s => s.Type == AgeRecipient.StanzaType);
        throw new AgeIdentityMismatchException(
            $"none of the {identities.Count} age identities given opens this file (it is encrypted to {x25519} X25519 recipient(s)); use an identity whose recipient (age-keygen -y KEYFILE) was in the policy's encryption.age recipients when it was archived");
    }

    private static string ReadLine(Stream source, MemoryStream raw)
    {
        var start = raw.Length;
        int b;
        while ((b = source.ReadByte()) != '\n')
        {
            if (b < 0) throw new InvalidDataException("age header is truncated (the file ended inside the header)");
            if (raw.Length >= MaxHeaderBytes) throw new InvalidDataException("age header is longer than 1 MiB; this is not an age file Archiver wrote");
            raw.WriteByte((byte)b);
        }
        raw.WriteByte((byte)'\n');
        return Encoding.ASCII.GetString(raw.GetBuffer(), (int)start, (int)(raw.Length - start - 1));
    }
}
