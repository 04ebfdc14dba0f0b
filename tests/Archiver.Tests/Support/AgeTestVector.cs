using System.IO.Compression;
using System.Text;

namespace Archiver.Tests.Support;

/// <summary>
/// One vector of the C2SP CCTV age testkit (npm package <c>cctv-age</c>, pinned in
/// tests/age-testkit and installed by tests/run.sh). Its README defines the format: a textual
/// header of <c>key: value</c> lines (<c>expect</c>, <c>payload</c> = hex SHA-256 of all plaintext
/// released, <c>identity</c> and <c>passphrase</c> possibly repeated, <c>armored</c>,
/// <c>compressed: zlib</c>, <c>file key</c>, <c>comment</c>), an empty line, then the age file.
/// </summary>
public sealed record AgeTestVector(string Name, string Expect, string? Payload, IReadOnlyList<string> Identities,
    IReadOnlyList<string> Passphrases, bool Armored, string? Comment, byte[] File)
{
    /// <summary>Writes every vector into a fresh folder with the testkit's own
    /// <c>write-vectors.mjs</c> and parses them.</summary>
    public static async Task<IReadOnlyList<AgeTestVector>> LoadAllAsync()
    {
        var package = RepoRoot.Combine("tests", "age-testkit", "node_modules", "cctv-age");
        Assert.True(Directory.Exists(package),
            "the age testkit is not installed: run npm ci --prefix tests/age-testkit (tests/run.sh does), then run the tests again");
        using var tmp = new TempDir("agekit");
        var r = await ProcessRunner.RunAsync("node", [RepoRoot.Combine("tests", "age-testkit", "write-vectors.mjs"), tmp.Path]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var vectors = Directory.GetFiles(tmp.Path).Order(StringComparer.Ordinal).Select(Parse).ToList();
        Assert.Equal(int.Parse(r.Out.Trim()), vectors.Count);
        return vectors;
    }

    private static AgeTestVector Parse(string path)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        var name = Path.GetFileName(path);
        var fields = new List<(string Key, string Value)>();
        var at = 0;
        while (true)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', at);
            Assert.True(end >= 0, $"vector {name}: no empty line ends its header");
            var line = Encoding.UTF8.GetString(bytes, at, end - at);
            at = end + 1;
            if (line.Length == 0) break;
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            Assert.True(colon > 0, $"vector {name}: header line '{line}' is not 'key: value'");
            fields.Add((line[..colon], line[(colon + 2)..]));
        }
        string? One(string key) => fields.LastOrDefault(f => f.Key == key).Value;
        List<string> All(string key) => [.. fields.Where(f => f.Key == key).Select(f => f.Value)];
        var file = bytes[at..];
        if (One("compressed") == "zlib")
        {
            using var inflated = new MemoryStream();
            using (var z = new ZLibStream(new MemoryStream(file), CompressionMode.Decompress)) z.CopyTo(inflated);
            file = inflated.ToArray();
        }
        var expect = One("expect");
        Assert.NotNull(expect);
        return new AgeTestVector(name, expect!, One("payload"), All("identity"), All("passphrase"), One("armored") == "yes", One("comment"), file);
    }
}
