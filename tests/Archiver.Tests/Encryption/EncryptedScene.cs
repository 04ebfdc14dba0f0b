using System.Security.Cryptography;
using Archiver.Tests.Support;

namespace Archiver.Tests.Encryption;

/// <summary>A pod directory swept by a policy with <c>encryption.age</c> (one recipient inline, one
/// in a recipients file, both from age-keygen unless <c>keys</c> are given) into a local store; the
/// tree as it was, to compare.</summary>
public sealed class EncryptedScene : IDisposable
{
    public const string Marker = "TOPSECRET-CONTENT-MARKER";
    public const string SecretName = "customer-list.csv";

    /// <param name="storeYaml">The policy's <c>store:</c> value lines (a mapping for S3); default the local store.</param>
    /// <param name="keys">The two key pairs (e.g. post-quantum ones from archiver keygen --pq); default two from age-keygen.</param>
    public EncryptedScene(string? identityFileInPolicy = null, IReadOnlyList<string>? storeYaml = null, (AgeCli.KeyPair Inline, AgeCli.KeyPair FromFile)? keys = null)
    {
        Root = Tmp.Sub("data");
        StoreDir = Tmp.Sub("store");
        (Inline, FromFile) = keys ?? (AgeCli.KeyGen(Tmp.Path, "inline"), AgeCli.KeyGen(Tmp.Path, "fromfile"));
        File.WriteAllText(Tmp["recipients.txt"], $"# team key\n{FromFile.Recipient}\n");
        var dir = new PodTree(Root).Pod("web-0", DateTimeOffset.UtcNow.AddDays(-3), d =>
        {
            File.WriteAllText(Path.Combine(d, SecretName), string.Concat(Enumerable.Repeat(Marker + "\n", 100)));
            Directory.CreateDirectory(Path.Combine(d, "data"));
            File.WriteAllBytes(Path.Combine(d, "data", "blob.bin"), RandomNumberGenerator.GetBytes(300_000)); // several 64 KiB chunks
        });
        Before = TreeSnapshot.Of(dir);
        Policy = Tmp["policy.yaml"];
        string[] lines =
        [
            "name: enc",
            $"root: {Root}",
            .. storeYaml is null ? [$"store: {StoreUrl}"] : (string[])["store:", .. storeYaml.Select(l => "  " + l)],
            "encryption:",
            "  age:",
            $"    recipients: [\"{Inline.Recipient}\"]",
            $"    recipientsFile: {Tmp["recipients.txt"]}",
            .. identityFileInPolicy is null ? [] : (string[])[$"    identityFile: {identityFileInPolicy}"],
        ];
        File.WriteAllLines(Policy, lines);
    }

    public TempDir Tmp { get; } = new("enc");
    public string Root { get; }
    public string StoreDir { get; }
    public string StoreUrl => new Uri(StoreDir).AbsoluteUri;
    public string Policy { get; }
    public AgeCli.KeyPair Inline { get; }
    public AgeCli.KeyPair FromFile { get; }
    public TreeSnapshot Before { get; }

    public async Task<string> SweepAsync()
    {
        var r = await CliRunner.RunAsync("sweep", "--policy", Policy, "--liveness", "none", "--node", "node-a", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.LineFor("web-0").GetProperty("key").GetString()!;
    }

    public string Stored(string key) => Path.Combine(StoreDir, key);

    /// <summary><c>verify --policy</c> with no identity says the stored bytes match their integrity
    /// record; <c>restore --identity</c> then gives the tree back exactly (any store the policy names).</summary>
    public async Task VerifyWithoutIdentityThenRestoreWithIdentityAsync(string key)
    {
        var verify = await CliRunner.RunAsync("verify", key, "--policy", Policy);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("matches its integrity record", verify.Out);

        var target = Tmp["restored"];
        var restore = await CliRunner.RunAsync("restore", key, "--policy", Policy, "--to", target, "--identity", FromFile.IdentityFile);

        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Empty(Before.Diff(TreeSnapshot.Of(Path.Combine(target, "web-0"))));
    }

    public IReadOnlyList<string> StoredFiles() =>
        Directory.EnumerateFiles(StoreDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(StoreDir, f)).Order(StringComparer.Ordinal).ToList();

    public void Dispose() => Tmp.Dispose();
}
