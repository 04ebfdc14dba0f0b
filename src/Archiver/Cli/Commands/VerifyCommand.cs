using System.Text.Json;
using Archiver.Archives;
using Archiver.Composition;
using Archiver.Encryption;
using Archiver.Pipeline;
using Archiver.Restore;
using Archiver.Stores;

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
        OptionSpec.Text("--policy", "FILE", "use this policy's store (when --store is not given), and its encryption.age.identityFile"),
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

    /// <summary>What was found for one archive; <see cref="Problems"/> is empty when it matches.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { TypeInfoResolver = CommandsJson.Default };

    public sealed record Result(string Key, bool Ok, long? Size, string? Sha256, IReadOnlyList<string> Problems);

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Positionals.Count == 0) a.Errors.Add("verify needs the key of an archive, e.g. archiver verify prod/node-1/ns/web-0/web-0-20260101T000000Z.tar.gz --store s3://bucket");
        var spec = ListCommand.StoreSpecFrom(a);
        a.ThrowIfErrors();

        var identities = AgeIdentityOption.Load(a);
        await using var store = StoreFactory.Create(spec!);
        var ok = true;
        foreach (var given in a.Positionals)
        {
            var key = ArchiveKeys.ArchiveKeyFrom(given);
            Result result;
            try
            {
                result = ArchiveKeys.IsEncrypted(key)
                    ? await CheckEncryptedAsync(store, key, identities, cancellationToken)
                    : await CheckAsync(store, key, cancellationToken);
            }
            catch (ArchivedObjectException e)
            {
                result = new Result(key, false, null, null, [e.Message]);
            }
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

    /// <summary>An encrypted archive: the stored archive and manifest against the integrity record; with
    /// identities, also the decrypted manifest and every entry of the decrypted archive.</summary>
    public static async Task<Result> CheckEncryptedAsync(IArchiveStore store, string key, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        var stored = await store.StatAsync(key, cancellationToken);
        if (stored is null) return new Result(key, false, null, null, [$"no archive at {key} in {store.Location}"]);
        var integrity = await store.ReadIntegrityAsync(key, cancellationToken);
        if (integrity is null) return new Result(key, false, stored.Size, null, [$"integrity record {ArchiveKeys.IntegrityFor(key)} is missing; the encrypted archive cannot be checked without an identity"]);
        var problems = new List<string>();
        var manifestKey = ArchiveKeys.ManifestFor(key);
        if (await store.StatAsync(manifestKey, cancellationToken) is null) problems.Add($"manifest {manifestKey} is missing");
        else
        {
            await using var manifestContent = await store.OpenReadAsync(manifestKey, cancellationToken);
            var (manifestSha, manifestSize) = await VerifyStage.HashAsync(manifestContent, cancellationToken);
            Compare(problems, "manifest", manifestSize, manifestSha, integrity.Manifest, "the integrity record");
        }
        if (identities is null)
        {
            await using var content = await store.OpenReadAsync(key, cancellationToken);
            var (sha, size) = await VerifyStage.HashAsync(content, cancellationToken);
            Compare(problems, "archive", size, sha, integrity.Archive, "the integrity record");
            return new Result(key, problems.Count == 0, size, sha, problems);
        }
        try
        {
            var manifest = await store.ReadManifestAsync(key, cancellationToken, identities);
            if (manifest is null) return new Result(key, false, stored.Size, null, [.. problems, $"manifest {manifestKey} is missing"]);
            if (manifest.Key.Length > 0 && manifest.Key != key) problems.Add($"the manifest describes key {manifest.Key}, not {key}");
            if (manifest.Archive.Size != integrity.Archive.Size || manifest.Archive.Sha256 != integrity.Archive.Sha256)
                problems.Add($"the manifest names {manifest.Archive.Size} bytes with sha256 {manifest.Archive.Sha256}; the integrity record {integrity.Archive.Size} bytes with sha256 {integrity.Archive.Sha256}");
            await using var content = await store.OpenReadAsync(key, cancellationToken);
            var check = await Task.Run(() => ArchiveContentCheck.Run(content, key, manifest, identities, cancellationToken), cancellationToken);
            problems.AddRange(check.Mismatches);
        }
        catch (Exception e) when (e is InvalidDataException or AgeIdentityMismatchException or UnsafeEntryException)
        {
            problems.Add(e.Message);
        }
        return new Result(key, problems.Count == 0, integrity.Archive.Size, integrity.Archive.Sha256, problems);
    }

    private static void Compare(List<string> problems, string what, long size, string sha, StoredDigest expected, string source)
    {
        if (size != expected.Size) problems.Add($"{what}: read back {size} bytes, {source} says {expected.Size}");
        else if (!string.Equals(sha, expected.Sha256, StringComparison.OrdinalIgnoreCase)) problems.Add($"{what}: sha256 read back {sha}, {source} says {expected.Sha256}");
    }

    public static async Task<Result> CheckAsync(IArchiveStore store, string key, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var stored = await store.StatAsync(key, cancellationToken);
        if (stored is null) return new Result(key, false, null, null, [$"no archive at {key} in {store.Location}"]);
        var manifest = await store.ReadManifestOrNullAsync(key, cancellationToken);
        if (manifest is null) return new Result(key, false, stored.Size, null, [$"manifest {ArchiveManifest.KeyFor(key)} is missing or unreadable; the archive cannot be checked"]);
        if (manifest.Key.Length > 0 && manifest.Key != key)
            problems.Add($"the manifest describes key {manifest.Key}, not {key}");
        if (stored.Size != manifest.Archive.Size)
            problems.Add($"size: the store holds {stored.Size} bytes, the manifest says {manifest.Archive.Size}");
        await using var content = await store.OpenReadAsync(key, cancellationToken);
        var (sha, size) = await VerifyStage.HashAsync(content, cancellationToken);
        if (size != manifest.Archive.Size)
            problems.Add($"read back {size} bytes, the manifest says {manifest.Archive.Size}");
        if (!string.Equals(sha, manifest.Archive.Sha256, StringComparison.OrdinalIgnoreCase))
            problems.Add($"sha256: read back {sha}, the manifest says {manifest.Archive.Sha256}");
        return new Result(key, problems.Count == 0, size, sha, problems);
    }
}
