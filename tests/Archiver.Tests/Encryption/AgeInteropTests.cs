using System.Security.Cryptography;
using Archiver.Encryption;
using Archiver.Tests.Support;

namespace Archiver.Tests.Encryption;

/// <summary>Our age files against the real <c>age</c> tool, both ways: what we encrypt, age
/// decrypts; what age encrypts, we decrypt; several recipients; wrong keys and changed bytes are refused.</summary>
public sealed class AgeInteropTests : IDisposable
{
    private readonly TempDir _dir = new("age");

    public void Dispose() => _dir.Dispose();

    // Empty, one byte, exactly one chunk (the final chunk is full), one chunk and a byte, several chunks.
    public static TheoryData<int> Sizes => new() { 0, 1, 65536, 65537, 3 * 65536 + 1234 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void OurFile_DecryptedByAgeCli_GivesThePlaintextBack(int size)
    {
        var key = AgeCli.KeyGen(_dir.Path);
        var plain = RandomNumberGenerator.GetBytes(size);
        var file = _dir["ours.age"];
        AgeFiles.Encrypt(file, plain, key.AgeRecipient);

        var (exit, decrypted, error) = AgeCli.Decrypt(key.IdentityFile, file);

        Assert.True(exit == 0, error);
        Assert.Equal(plain, decrypted);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void AgeCliFile_ReadByOurDecoder_GivesThePlaintextBack(int size)
    {
        var key = AgeCli.KeyGen(_dir.Path);
        var plain = AgeEncrypts(size, key.Recipient);

        Assert.Equal(plain, AgeFiles.Decrypt(_dir["theirs.age"], key.Identities));
    }

    [Fact]
    public void SeveralRecipients_EachIdentityOpensTheFile_BothWays()
    {
        var a = AgeCli.KeyGen(_dir.Path, "a");
        var b = AgeCli.KeyGen(_dir.Path, "b");
        var c = AgeCli.KeyGen(_dir.Path, "c");
        var plain = AgeEncrypts(100_000, a.Recipient, b.Recipient, c.Recipient);
        AgeFiles.Encrypt(_dir["ours.age"], plain, a.AgeRecipient, b.AgeRecipient, c.AgeRecipient);

        foreach (var key in new[] { a, b, c })
        {
            var (exit, decrypted, error) = AgeCli.Decrypt(key.IdentityFile, _dir["ours.age"]);
            Assert.True(exit == 0, error);
            Assert.Equal(plain, decrypted);
            Assert.Equal(plain, AgeFiles.Decrypt(_dir["theirs.age"], key.Identities));
        }
    }

    [Fact]
    public void WrongKey_IsRefused_BothWays()
    {
        var right = AgeCli.KeyGen(_dir.Path, "right");
        var wrong = AgeCli.KeyGen(_dir.Path, "wrong");
        File.WriteAllBytes(_dir["plain"], RandomNumberGenerator.GetBytes(1000));
        AgeCli.Encrypt(_dir["plain"], _dir["theirs.age"], right.Recipient);
        AgeFiles.Encrypt(_dir["ours.age"], RandomNumberGenerator.GetBytes(1000), right.AgeRecipient);

        var e = Assert.Throws<AgeIdentityMismatchException>(() => AgeFiles.Decrypt(_dir["theirs.age"], wrong.Identities));
        Assert.Contains("age-keygen -y", e.Message);
        var (exit, output2, _) = AgeCli.Decrypt(wrong.IdentityFile, _dir["ours.age"]);
        Assert.NotEqual(0, exit);
        Assert.Empty(output2);
    }

    [Fact]
    public void TamperedChunk_IsRefused_BothWays()
    {
        var key = AgeCli.KeyGen(_dir.Path);
        var plain = AgeEncrypts(3 * 65536 + 10, key.Recipient);
        AgeFiles.Encrypt(_dir["ours.age"], plain, key.AgeRecipient);

        foreach (var name in new[] { "theirs.age", "ours.age" })
        {
            var bytes = File.ReadAllBytes(_dir[name]);
            var payload = PayloadOffset(_dir[name], key.Identities);
            bytes[payload + 65552 + 100] ^= 0x01; // a byte inside chunk 1
            File.WriteAllBytes(_dir["tampered.age"], bytes);

            var e = Assert.Throws<InvalidDataException>(() => AgeFiles.Decrypt(_dir["tampered.age"], key.Identities));
            Assert.Contains("chunk 1 failed authentication", e.Message);
            Assert.NotEqual(0, AgeCli.Decrypt(key.IdentityFile, _dir["tampered.age"]).ExitCode);
        }
    }

    [Fact]
    public void TruncatedFile_IsRefused_EvenAtAChunkBoundary()
    {
        var key = AgeCli.KeyGen(_dir.Path);
        File.WriteAllBytes(_dir["plain"], RandomNumberGenerator.GetBytes(2 * 65536 + 10));
        AgeCli.Encrypt(_dir["plain"], _dir["theirs.age"], key.Recipient);
        var bytes = File.ReadAllBytes(_dir["theirs.age"]);
        var payload = PayloadOffset(_dir["theirs.age"], key.Identities);
        File.WriteAllBytes(_dir["cut.age"], bytes[..(int)(payload + 2 * 65552)]); // the final chunk is gone

        var e = Assert.Throws<InvalidDataException>(() => AgeFiles.Decrypt(_dir["cut.age"], key.Identities));
        Assert.Contains("age payload is truncated at chunk 2: the file ends without its final chunk", e.Message);
    }

    [Fact]
    public void ChangedHeader_IsRefusedByItsMac()
    {
        var key = AgeCli.KeyGen(_dir.Path);
        File.WriteAllBytes(_dir["plain"], [1, 2, 3]);
        var other = AgeCli.KeyGen(_dir.Path, "other");
        AgeCli.Encrypt(_dir["plain"], _dir["theirs.age"], key.Recipient, other.Recipient);
        var text = File.ReadAllBytes(_dir["theirs.age"]);
        // Drop the second stanza (arguments and body line): the rest of the header is intact.
        var lines = System.Text.Encoding.Latin1.GetString(text).Split('\n');
        File.WriteAllBytes(_dir["changed.age"], System.Text.Encoding.Latin1.GetBytes(string.Join('\n', lines.Take(3).Concat(lines.Skip(5)))));

        var e = Assert.Throws<InvalidDataException>(() => AgeFiles.Decrypt(_dir["changed.age"], key.Identities));
        Assert.Contains("MAC does not match", e.Message);
    }

    [Fact]
    public void PassphraseFile_IsRefusedClearly()
    {
        // age -p needs a terminal; its header is what matters here (C2SP age.md, scrypt stanza).
        var header = "age-encryption.org/v1\n-> scrypt ajMFur+EJLGaohv/dLRGnw 18\n8SHBz/ldWnjyGFQqfjat6uNBarWqqEMDS7W8X7+Xq5Q\n--- HK2NmOBN9Dpq0Gw6xMCuhFcQlQLvZ/wQUi/2scLG75s\n";
        var key = AgeCli.KeyGen(_dir.Path);
        var e = Assert.Throws<InvalidDataException>(() => AgeDecryptingStream.Open(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(header)), key.Identities));
        Assert.Contains("passphrase (scrypt)", e.Message);
    }

    [Fact]
    public void OpenAt_DecryptsFromTheChunkHoldingAnOffset()
    {
        var key = AgeCli.KeyGen(_dir.Path);
        var plain = AgeEncrypts(5 * 65536 + 77, key.Recipient);
        using var file = File.OpenRead(_dir["theirs.age"]);
        var (payloadKey, payloadOffset) = AgeDecryptingStream.ReadPayloadKey(file, key.Identities);

        var wanted = 3 * 65536 + 500L;
        var (chunk, cipherOffset, plainOffset) = AgeDecryptingStream.Locate(payloadOffset, wanted);
        file.Position = cipherOffset;
        using var from = AgeDecryptingStream.OpenAt(file, payloadKey, chunk, leaveOpen: true);
        var read = new MemoryStream();
        from.CopyTo(read);

        Assert.Equal(3, chunk);
        Assert.Equal(plain[(int)plainOffset..], read.ToArray());
        Assert.Equal(plain[(int)wanted], read.ToArray()[(int)(wanted - plainOffset)]);
    }

    /// <summary>Random plaintext of <paramref name="size"/> bytes, encrypted by the age CLI to theirs.age.</summary>
    private byte[] AgeEncrypts(int size, params string[] recipients)
    {
        var plain = RandomNumberGenerator.GetBytes(size);
        File.WriteAllBytes(_dir["plain"], plain);
        AgeCli.Encrypt(_dir["plain"], _dir["theirs.age"], recipients);
        return plain;
    }

    /// <summary>Our encrypter writes <paramref name="plain"/> to <paramref name="path"/>.</summary>
    private static long PayloadOffset(string path, IReadOnlyList<AgeIdentity> identities)
    {
        using var file = File.OpenRead(path);
        return AgeDecryptingStream.ReadPayloadKey(file, identities).PayloadOffset;
    }
}
