using System.Text.Json;
using Archiver.Archives;
using Archiver.Composition;
using Archiver.Encryption;
using Archiver.Restore;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver verify KEY</c>: re-checks a stored archive against its manifest: the
/// object's size, then every byte re-read and re-hashed. Exit 0 when it matches, 1 with what differs.</summary>
public sealed class VerifyCommand : ICommand
{
    public string Name => "verify";

    public string Summary => "re-check a stored archive against its manifest (size and SHA-256 of every byte)";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        CommonOptions.Store,
        PolicyOption.ForReading,
        CommonOptions.Json,
        AgeIdentityOption.Spec,
    ];

    public string Arguments => "KEY...";

    public string Notes => """
        KEY is the archive's key in the store (its .manifest.json key works too).
        An encrypted archive (.age) is checked against its plaintext .integrity.json record (sizes and
        SHA-256 of the stored archive and manifest); no key is needed. With an age identity
        (--identity FILE, $ARCHIVER_AGE_IDENTITY_FILE, or encryption.age.identityFile of --policy FILE)
        its manifest is decrypted and checked too, entry by entry.
        Exit 0: every archive matches its manifest; 1: something differs (printed); 2: usage error.
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { TypeInfoResolver = CommandsJson.Default };

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Positionals.Count == 0) a.Errors.Add("verify needs the key of an archive, e.g. archiver verify prod/node-1/ns/web-0/web-0-20260101T000000Z.tar.gz --store s3://bucket");
        var policy = new PolicyOption(a);
        var spec = policy.Store();
        a.ThrowIfErrors();

        var identities = AgeIdentityOption.Load(a, policy);
        await using var store = StoreFactory.Create(spec!);
        var ok = true;
        foreach (var given in a.Positionals)
        {
            var key = ArchiveKeys.ArchiveKeyFrom(given);
            var result = await ArchiveVerifier.VerifyAsync(store, key, identities, cancellationToken);
            ok &= result.Ok;
            if (a.Has("--json"))
                Terminal.Out.WriteLine(JsonSerializer.Serialize(result, Json));
            else if (result.Ok)
                Terminal.Out.WriteLine($"ok: {key} ({result.Size} bytes, sha256 {result.Sha256}) matches its {What(key, identities)}");
            else
                foreach (var p in result.Problems) Terminal.Out.WriteLine($"MISMATCH: {key}: {p}");
        }
        return ok ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }

    private static string What(string key, IReadOnlyList<AgeIdentity>? identities) =>
        !ArchiveKeys.IsEncrypted(key) ? "manifest"
        : identities is null ? "integrity record (encrypted; pass --identity FILE to check its manifest entry by entry)"
        : "integrity record and its manifest, entry by entry";
}
