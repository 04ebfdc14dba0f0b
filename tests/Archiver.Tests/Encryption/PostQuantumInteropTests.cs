using System.Security.Cryptography;
using System.Text;
using Archiver.Encryption;
using Archiver.Tests.Support;

namespace Archiver.Tests.Encryption;

/// <summary>
/// Post-quantum age keys (age 1.3's mlkem768x25519: <c>age1pq1...</c> recipients,
/// <c>AGE-SECRET-KEY-PQ-1...</c> identities) against typage, the TypeScript age implementation by
/// age's author, both ways: the same identity gives the same recipient; what Archiver encrypts,
/// typage decrypts; what typage encrypts, Archiver decrypts.
/// </summary>
public sealed class PostQuantumInteropTests : IDisposable
{
    private readonly TempDir _dir = new("agepq");

    public void Dispose() => _dir.Dispose();

    private static AgeIdentity Parse(string text) =>
        AgeIdentity.TryParse(text, out var identity, out var error) ? identity! : throw new Xunit.Sdk.XunitException(error);

    [Fact]
    public void Identity_GivesTheRecipientTypageDerives_BothWays()
    {
        var theirs = Typage.KeyGen();
        var ours = AgeIdentity.GeneratePostQuantum();

        Assert.StartsWith("AGE-SECRET-KEY-PQ-1", theirs);
        Assert.Equal(Typage.RecipientOf(theirs), Parse(theirs).Recipient.Text);
        Assert.StartsWith("AGE-SECRET-KEY-PQ-1", ours.Text);
        Assert.StartsWith("age1pq1", ours.Recipient.Text);
        Assert.Equal(Typage.RecipientOf(ours.Text), ours.Recipient.Text);
    }

    // Empty, exactly one chunk, several chunks and a bit.
    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    [InlineData(3 * 65536 + 1234)]
    public void OurFile_DecryptedByTypage_GivesThePlaintextBack(int size)
    {
        var identity = Parse(Typage.KeyGen());
        var plain = RandomNumberGenerator.GetBytes(size);
        AgeFiles.Encrypt(_dir["ours.age"], plain, identity.Recipient);

        Typage.Decrypt(identity.Text, _dir["ours.age"], _dir["plain"]);

        Assert.Equal(plain, File.ReadAllBytes(_dir["plain"]));
        Assert.Contains("\n-> mlkem768x25519 ", Encoding.Latin1.GetString(File.ReadAllBytes(_dir["ours.age"])));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3 * 65536 + 1234)]
    public void TypageFile_ReadByOurDecoder_GivesThePlaintextBack(int size)
    {
        var identity = AgeIdentity.GeneratePostQuantum();
        var plain = RandomNumberGenerator.GetBytes(size);
        File.WriteAllBytes(_dir["plain"], plain);

        Typage.Encrypt(identity.Recipient.Text, _dir["plain"], _dir["theirs.age"]);

        Assert.Equal(plain, AgeFiles.Decrypt(_dir["theirs.age"], [identity]));
    }

    [Fact]
    public void PostQuantumFile_WithAnX25519Identity_IsNoMatch_NamingTheStanzaType()
    {
        var identity = AgeIdentity.GeneratePostQuantum();
        AgeFiles.Encrypt(_dir["ours.age"], [1, 2, 3], identity.Recipient);

        var e = Assert.Throws<AgeIdentityMismatchException>(() => AgeFiles.Decrypt(_dir["ours.age"], [AgeIdentity.Generate(), AgeIdentity.GeneratePostQuantum()]));

        Assert.Contains("none of the 2 age identities given opens this file (its recipient stanzas: 1 mlkem768x25519)", e.Message);
    }

    [Fact]
    public void MixingPostQuantumAndX25519Recipients_IsRefused_AsAgeRefusesIt()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            AgeFiles.Encrypt(_dir["mixed.age"], [1], AgeIdentity.GeneratePostQuantum().Recipient, AgeIdentity.Generate().Recipient));

        Assert.Contains("mix post-quantum (age1pq1...) and X25519 (age1...)", e.Message);
    }
}
