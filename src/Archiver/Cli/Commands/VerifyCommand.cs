using System.Text.Json;
using Archiver.Archives;
using Archiver.Composition;
using Archiver.Pipeline;
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
        OptionSpec.Text("--policy", "FILE", "use this policy's store (when --store is not given)"),
        CommonOptions.Json,
    ];

    public string Arguments => "KEY...";

    public string Notes => """
        KEY is the archive's key in the store (its .manifest.json key works too).
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

        await using var store = StoreFactory.Create(spec!);
        var ok = true;
        foreach (var given in a.Positionals)
        {
            var key = given.EndsWith(".manifest.json", StringComparison.Ordinal) ? given[..^".manifest.json".Length] : given;
            var result = await CheckAsync(store, key, cancellationToken);
            ok &= result.Ok;
            if (a.Has("--json"))
                Terminal.Out.WriteLine(JsonSerializer.Serialize(result, Json));
            else if (result.Ok)
                Terminal.Out.WriteLine($"ok: {key} ({result.Size} bytes, sha256 {result.Sha256}) matches its manifest");
            else
                foreach (var p in result.Problems) Terminal.Out.WriteLine($"MISMATCH: {key}: {p}");
        }
        return ok ? ExitCodes.Ok : ExitCodes.SomeFailed;
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
