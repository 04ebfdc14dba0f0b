using Archiver.Composition;
using Archiver.Policies;
using Archiver.Tests.Support;

namespace Archiver.Tests.Policies;

/// <summary>The <c>encryption.age</c> policy field: read, and every mistake reported with its line.</summary>
public sealed class EncryptionPolicyTests : IDisposable
{
    private readonly TempDir _dir = new("encpolicy");

    public void Dispose() => _dir.Dispose();

    private (Policy? Policy, List<PolicyProblem> Problems) Load(string encryption)
    {
        var problems = new List<PolicyProblem>();
        var yaml = $"name: p\nroot: {_dir.Path}\nstore: file:///tmp/x\n{encryption}";
        return (PolicyLoader.Load(yaml, "p.yaml", problems, StoreFactory.Validate), problems);
    }

    [Fact]
    public void RecipientsInlineAndFile_AreAllUsed()
    {
        var a = AgeCli.KeyGen(_dir.Path, "a");
        var b = AgeCli.KeyGen(_dir.Path, "b");
        File.WriteAllText(_dir["r.txt"], $"# comment\n\n{b.Recipient}\n");

        var (policy, problems) = Load($"encryption:\n  age:\n    recipients: [\"{a.Recipient}\"]\n    recipientsFile: {_dir["r.txt"]}\n    identityFile: /etc/archiver/age-identity/key.txt\n");

        Assert.Empty(problems);
        Assert.Equal([a.Recipient, b.Recipient], policy!.Encryption!.LoadRecipients().Select(r => r.Text));
        Assert.Equal("/etc/archiver/age-identity/key.txt", policy.Encryption.IdentityFile);
    }

    [Fact]
    public void PostQuantumRecipients_AreRead()
    {
        var a = Archiver.Encryption.AgeIdentity.GeneratePostQuantum().Recipient.Text;
        var b = Archiver.Encryption.AgeIdentity.GeneratePostQuantum().Recipient.Text;
        File.WriteAllText(_dir["r.txt"], $"{b}\n");

        var (policy, problems) = Load($"encryption:\n  age:\n    recipients: [\"{a}\"]\n    recipientsFile: {_dir["r.txt"]}\n");

        Assert.Empty(problems);
        Assert.Equal([a, b], policy!.Encryption!.LoadRecipients().Select(r => r.Text));
    }

    [Fact]
    public void PostQuantumAndX25519Recipients_Mixed_AreRefused()
    {
        var pq = Archiver.Encryption.AgeIdentity.GeneratePostQuantum().Recipient.Text;
        var classic = AgeCli.KeyGen(_dir.Path, "classic");
        File.WriteAllText(_dir["r.txt"], $"{classic.Recipient}\n");

        var (_, inlineProblems) = Load($"encryption:\n  age:\n    recipients: [\"{pq}\", \"{classic.Recipient}\"]\n");
        var (_, fileProblems) = Load($"encryption:\n  age:\n    recipients: [\"{pq}\"]\n    recipientsFile: {_dir["r.txt"]}\n");

        Assert.Contains(inlineProblems, p => !p.IsWarning && p.Message.StartsWith("encryption.age: the age recipients mix post-quantum (age1pq1...) and X25519 (age1...) keys", StringComparison.Ordinal));
        Assert.Contains(fileProblems, p => !p.IsWarning && p.Message.Contains($"(recipients and {_dir["r.txt"]} together)", StringComparison.Ordinal));
    }

    [Fact]
    public void TypoInARecipient_IsAnErrorOnItsLine()
    {
        var (_, problems) = Load("encryption:\n  age:\n    recipients:\n      - age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwx\n");

        var p = Assert.Single(problems);
        Assert.Equal(7, p.Line);
        Assert.Contains("wrong checksum", p.Message);
    }

    [Theory]
    [InlineData("encryption:\n  gpg: {}\n", "unknown field 'encryption.gpg'")]
    [InlineData("encryption:\n  age:\n    recipient: x\n", "unknown field 'encryption.age.recipient'")]
    [InlineData("encryption:\n  age: {}\n", "encryption.age needs recipients")]
    [InlineData("encryption:\n  age:\n    recipientsFile: recipients.txt\n", "must be an absolute path")]
    public void BadEncryptionSection_IsReported(string yaml, string expected)
    {
        var (_, problems) = Load(yaml);

        Assert.Contains(problems, p => !p.IsWarning && p.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void MissingRecipientsFile_IsAWarningHere_AndAnErrorWhenASweepStarts()
    {
        var (policy, problems) = Load($"encryption:\n  age:\n    recipientsFile: {_dir["absent.txt"]}\n");

        Assert.Contains(problems, p => p.IsWarning && p.Message.Contains("does not exist on this machine", StringComparison.Ordinal));
        var e = Assert.Throws<ConfigurationException>(() => policy!.Encryption!.LoadRecipients());
        Assert.Contains("cannot read the age recipients file", e.Message);
    }
}
