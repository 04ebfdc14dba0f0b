using Archiver.Encryption;
using Archiver.Tests.Support;

namespace Archiver.Tests.Cli.Commands;

/// <summary><c>archiver keygen</c>: key files as age-keygen writes them (owner-only, never
/// overwritten), post-quantum with <c>--pq</c>, and <c>--recipient-of</c> like <c>age-keygen -y</c>.</summary>
public sealed class KeygenCommandTests : IDisposable
{
    private readonly TempDir _dir = new("keygen");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Pq_WritesAnOwnerOnlyIdentityFile_WhoseRecipientItPrints()
    {
        var started = DateTimeOffset.UtcNow;
        var key = await ArchiverKeygen.KeyGenAsync(_dir.Path, "pq");

        var lines = File.ReadAllLines(key.IdentityFile);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key.IdentityFile));
        Assert.Equal(3, lines.Length);
        var created = DateTimeOffset.Parse(lines[0]["# created: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(created, started.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.Equal($"# public key: {key.Recipient}", lines[1]);
        Assert.StartsWith("AGE-SECRET-KEY-PQ-1", lines[2]);
        Assert.StartsWith("age1pq1", key.Recipient);
        Assert.Equal(key.Recipient, Assert.Single(AgeKeyFile.LoadIdentities(key.IdentityFile)).Recipient.Text);
        Assert.Equal(Typage.RecipientOf(lines[2]), key.Recipient);
    }

    [Fact]
    public async Task WithoutPq_MakesAnX25519Key_ThatAgeKeygenReads()
    {
        var key = await ArchiverKeygen.KeyGenAsync(_dir.Path, "x", postQuantum: false);

        var (exit, recipient, error) = ExternalTool.Run("age-keygen", "-y", key.IdentityFile);

        Assert.True(exit == 0, error);
        Assert.Equal(key.Recipient, System.Text.Encoding.ASCII.GetString(recipient).Trim());
        Assert.Matches("^age1[02-9ac-hj-np-z]{58}$", key.Recipient);
    }

    [Fact]
    public async Task RecipientOf_PrintsEachIdentitysRecipient_LikeAgeKeygenY()
    {
        var pq = await ArchiverKeygen.KeyGenAsync(_dir.Path, "pq");
        var classic = AgeCli.KeyGen(_dir.Path, "classic");
        File.WriteAllLines(_dir["both.txt"], [.. File.ReadAllLines(pq.IdentityFile), .. File.ReadAllLines(classic.IdentityFile)]);

        var r = await CliRunner.RunAsync("keygen", "--recipient-of", _dir["both.txt"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([pq.Recipient, classic.Recipient], r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task ExistingFile_IsNeverOverwritten_Exit2()
    {
        File.WriteAllText(_dir["key.txt"], "AGE-SECRET-KEY-1 an existing key\n");

        var r = await CliRunner.RunAsync("keygen", "--pq", "-o", _dir["key.txt"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{_dir["key.txt"]} already exists; Archiver never overwrites a key file", r.Error);
        Assert.Equal("AGE-SECRET-KEY-1 an existing key\n", File.ReadAllText(_dir["key.txt"]));
    }

    [Fact]
    public async Task WithoutOutput_PrintsTheIdentityToStdout()
    {
        var r = await CliRunner.RunAsync("keygen", "--pq");

        Assert.True(r.ExitCode == 0, r.ToString());
        var secret = Assert.Single(r.Out.Split('\n'), l => l.StartsWith("AGE-SECRET-KEY-PQ-1", StringComparison.Ordinal));
        Assert.True(AgeIdentity.TryParse(secret, out var identity, out var error), error);
        Assert.Contains($"Public key: {identity!.Recipient.Text}", r.Error);
    }

    [Fact]
    public async Task RecipientOf_WithPq_IsAUsageError_AndWritesNothing()
    {
        var r = await CliRunner.RunAsync("keygen", "--recipient-of", _dir["k.txt"], "--pq", "-o", _dir["new.txt"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--recipient-of reads an existing key and makes none", r.Error);
        Assert.False(File.Exists(_dir["new.txt"]));
    }
}
