using Archiver.Encryption;
using Archiver.Tests.Support;

namespace Archiver.Tests.Encryption;

public sealed class AgeKeyTests : IDisposable
{
    private readonly TempDir _dir = new("agekeys");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SpecIdentity_GivesTheSpecRecipient()
    {
        // The X25519 example of C2SP age.md ("The X25519 recipient type").
        Assert.True(AgeIdentity.TryParse("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX", out var id, out var error), error);
        Assert.Equal("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj", id!.Recipient.Text);
    }

    [Fact]
    public void AgeKeygenKeys_AreReadAndAgreeWithAgeKeygenY()
    {
        var key = AgeCli.KeyGen(_dir.Path);

        var identity = Assert.Single(AgeKeyFile.LoadIdentities(key.IdentityFile));

        Assert.Equal(key.Recipient, identity.Recipient.Text);
    }

    [Theory]
    [InlineData("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwx", "wrong checksum")]
    [InlineData("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwJ", "mixes upper and lower case")]
    [InlineData("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", "SSH key")]
    [InlineData("npub1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73eqk9ph0e", "not an age")]
    public void BadRecipient_IsRefusedWithTheReason(string text, string reason)
    {
        Assert.False(AgeRecipient.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void PluginRecipient_IsRefusedNamingItsKind()
    {
        Assert.False(AgeRecipient.TryParse(Bech32.Encode("age1yubikey", new byte[33]), out _, out var error));

        Assert.Contains("plugin or hardware-key recipient (age1yubikey1...)", error);
    }

    [Fact]
    public void PostQuantumRecipient_OfTheWrongLength_IsRefused()
    {
        Assert.False(AgeRecipient.TryParse(Bech32.Encode("age1pq", new byte[32]), out _, out var error));

        Assert.Contains("does not hold a valid ML-KEM-768 + X25519 public key", error);
    }

    [Fact]
    public void PostQuantumRecipient_WithAnMlKemCoefficientOutOfRange_IsRefused()
    {
        // FIPS 203 section 7.2: an encapsulation key whose 12-bit coefficients are not all below q = 3329 is invalid.
        var good = AgeIdentity.GeneratePostQuantum().Recipient.Text;
        Assert.True(Bech32.TryDecode(good, out _, out var key, out _));
        key[0] = 0xFF;
        key[1] |= 0x0F; // the first coefficient becomes 4095

        Assert.False(AgeRecipient.TryParse(Bech32.Encode("age1pq", key), out _, out var error));
        Assert.Contains("out-of-range values", error);
        Assert.True(AgeRecipient.TryParse(good, out var recipient, out _));
        Assert.True(recipient!.IsPostQuantum);
    }

    [Fact]
    public void PostQuantumIdentity_RoundTripsThroughItsText()
    {
        var identity = AgeIdentity.GeneratePostQuantum();

        Assert.True(AgeIdentity.TryParse(identity.Text, out var again, out var error), error);
        Assert.Equal(identity.Recipient.Text, again!.Recipient.Text);
        Assert.False(AgeIdentity.TryParse(identity.Text.ToLowerInvariant(), out _, out error));
        Assert.Contains("lower case", error);
    }

    [Fact]
    public void IdentityFile_WithAGarbledLine_NamesFileAndLineButNotTheSecret()
    {
        var key = AgeCli.KeyGen(_dir.Path);
        var lines = File.ReadAllLines(key.IdentityFile);
        var secret = lines.Last();
        File.WriteAllLines(_dir["bad.txt"], [.. lines[..^1], secret[..^1] + (secret[^1] == 'Q' ? 'P' : 'Q')]);

        var e = Assert.Throws<ConfigurationException>(() => AgeKeyFile.LoadIdentities(_dir["bad.txt"]));

        Assert.Contains($"{_dir["bad.txt"]}:{lines.Length}", e.Message);
        Assert.DoesNotContain(secret[20..40], e.Message);
    }
}
