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
    /// payload is consumed) and returns the file key one of <paramref name="identities"/> unwraps.
    /// Throws an <see cref="InvalidDataException"/> with its <see cref="AgeFault"/> for a malformed
    /// header, a wrong MAC or a feature Archiver does not implement, and
    /// <see cref="AgeIdentityMismatchException"/> when no identity opens a well-formed header.</summary>
    public static byte[] ReadFileKey(Stream source, IReadOnlyList<AgeIdentity> identities)
    {
        var raw = new MemoryStream();
        var first = ReadLine(source, raw);
        if (first != VersionLine) throw NotVersion1(first, source, raw);
        var stanzas = new List<AgeStanza>();
        string line;
        while ((line = ReadLine(source, raw)).StartsWith("-> ", StringComparison.Ordinal))
        {
            var parts = line[3..].Split(' ');
            if (parts.Any(p => p.Length == 0)) throw AgeFaults.Header("age header: a stanza line has empty arguments");
            if (parts.Any(p => p.Any(c => c < 33 || c > 126)))
                throw AgeFaults.Header("age header: a stanza argument has a character outside printable ASCII (VCHAR)");
            var body = new StringBuilder();
            string chunk;
            do
            {
                chunk = ReadLine(source, raw);
                if (chunk.Length > 64) throw AgeFaults.Header("age header: a stanza body line is longer than 64 columns");
                body.Append(chunk);
            }
            while (chunk.Length == 64);
            var bytes = AgeBase64.Decode(body.ToString()) ?? throw AgeFaults.Header("age header: a stanza body is not canonical base64");
            stanzas.Add(new AgeStanza(parts[0], parts[1..], bytes));
        }
        if (!line.StartsWith("--- ", StringComparison.Ordinal) || stanzas.Count == 0)
            throw AgeFaults.Header("age header: expected recipient stanzas and a '--- MAC' line");
        var mac = AgeBase64.Decode(line[4..]);
        if (mac is not { Length: 32 }) throw AgeFaults.Header("age header: the MAC on the '---' line is not 32 bytes of canonical base64");
        if (stanzas.Any(s => s.Type == "scrypt"))
            throw AgeFaults.Create(AgeFault.Unsupported, "this age file is encrypted with a passphrase (scrypt), which is not supported: Archiver reads files encrypted to age recipients (age -r age1... or age1pq1...)");
        var fileKey = Unwrap(stanzas, identities);
        var macInput = raw.GetBuffer().AsSpan(0, (int)raw.Length - line.Length - 1 + 3);
        if (!CryptographicOperations.FixedTimeEquals(mac, AgeCrypto.HeaderMac(fileKey, macInput)))
            throw AgeFaults.Create(AgeFault.HeaderMac, "age header MAC does not match: the header was changed");
        return fileKey;
    }

    // ASCII armor may follow blank lines (age skips whitespace around it).
    private static InvalidDataException NotVersion1(string first, Stream source, MemoryStream raw)
    {
        var line = first;
        for (var i = 0; i < 16 && line.Trim().Length == 0 && raw.Length < 4096; i++) line = ReadLine(source, raw);
        return line.TrimStart().StartsWith("-----", StringComparison.Ordinal)
            ? AgeFaults.Create(AgeFault.Unsupported, "this is an ASCII-armored age file (-----BEGIN AGE ENCRYPTED FILE-----, age -a), which is not supported: Archiver reads binary age files")
            : AgeFaults.Create(AgeFault.Header, first.StartsWith("age-encryption.org/", StringComparison.Ordinal)
                ? $"this age file has version '{first}'; Archiver reads age-encryption.org/v1"
                : "not an age file: it does not start with age-encryption.org/v1");
    }

    private static byte[] Unwrap(List<AgeStanza> stanzas, IReadOnlyList<AgeIdentity> identities)
    {
        foreach (var s in stanzas)
            foreach (var id in identities)
                if (id.Unwrap(s) is { } key) return key;
        var types = string.Join(", ", stanzas.GroupBy(s => s.Type).Select(g => $"{g.Count()} {g.Key}"));
        throw new AgeIdentityMismatchException(
            $"none of the {identities.Count} age identities given opens this file (its recipient stanzas: {types}); use an identity whose recipient (age-keygen -y KEYFILE) was in the policy's encryption.age recipients when it was archived");
    }

    private static string ReadLine(Stream source, MemoryStream raw)
    {
        var start = raw.Length;
        int b;
        while ((b = source.ReadByte()) != '\n')
        {
            if (b < 0) throw AgeFaults.Header("age header is truncated (the file ended inside the header)");
            if (raw.Length >= MaxHeaderBytes) throw AgeFaults.Header("age header is longer than 1 MiB; this is not an age file Archiver wrote");
            raw.WriteByte((byte)b);
        }
        raw.WriteByte((byte)'\n');
        // Latin-1 maps each byte to one char, so a byte outside ASCII stays outside it (ASCII would make it '?').
        return Encoding.Latin1.GetString(raw.GetBuffer(), (int)start, (int)(raw.Length - start - 1));
    }
}
