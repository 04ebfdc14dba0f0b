using Archiver.Encryption;

namespace Archiver.Tests.Support;

/// <summary>The real <c>age</c> and <c>age-keygen</c> tools (Debian package <c>age</c>, installed by
/// tests/run.sh): keys made by age-keygen, files encrypted and decrypted by age itself.</summary>
public static class AgeCli
{
    /// <summary>A key pair from <c>age-keygen -o FILE</c>: the identity file and its recipient.</summary>
    public sealed record KeyPair(string IdentityFile, string Recipient)
    {
        public IReadOnlyList<AgeIdentity> Identities => AgeKeyFile.LoadIdentities(IdentityFile);

        public AgeRecipient AgeRecipient => AgeRecipient.TryParse(Recipient, out var r, out var e) ? r! : throw new InvalidOperationException(e);
    }

    public static KeyPair KeyGen(string directory, string name = "key")
    {
        var file = Path.Combine(directory, name + ".txt");
        ExternalTool.Check("age-keygen", "-o", file);
        var (exit, output, error) = ExternalTool.Run("age-keygen", "-y", file);
        Assert.True(exit == 0, error);
        return new KeyPair(file, System.Text.Encoding.ASCII.GetString(output).Trim());
    }

    /// <summary><c>age -d -i IDENTITY FILE</c>; exit code, plaintext and error.</summary>
    public static (int ExitCode, byte[] Output, string Error) Decrypt(string identityFile, string file) =>
        ExternalTool.Run("age", "-d", "-i", identityFile, file);

    /// <summary><c>age -r R1 -r R2 ... -o OUT IN</c>.</summary>
    public static void Encrypt(string input, string output, params string[] recipients) =>
        ExternalTool.Check("age", [.. recipients.SelectMany(r => new[] { "-r", r }), "-o", output, input]);

    /// <summary>An encrypted JSON file (a manifest) changed as someone with the key could: decrypted
    /// with <c>age -d</c>, edited, encrypted again to <paramref name="key"/> with <c>age -r</c>.</summary>
    public static byte[] EditJson(byte[] encrypted, KeyPair key, Action<System.Text.Json.Nodes.JsonNode> edit)
    {
        using var tmp = new TempDir("agejson");
        File.WriteAllBytes(tmp["in.age"], encrypted);
        var (exit, plain, error) = Decrypt(key.IdentityFile, tmp["in.age"]);
        Assert.True(exit == 0, error);
        var json = System.Text.Json.Nodes.JsonNode.Parse(plain)!;
        edit(json);
        File.WriteAllText(tmp["out.json"], json.ToJsonString());
        Encrypt(tmp["out.json"], tmp["out.age"], key.Recipient);
        return File.ReadAllBytes(tmp["out.age"]);
    }
}
