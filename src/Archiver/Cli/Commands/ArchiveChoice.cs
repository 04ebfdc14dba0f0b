using System.Globalization;
using Archiver.Archives;
using Archiver.Encryption;
using Archiver.Restore;
using Archiver.Stores;

namespace Archiver.Cli.Commands;

/// <summary>The archive a restore or cat reads: a KEY, or <c>--pod NAME [--namespace NS] [--node N]
/// [--at TIME]</c> (that pod's newest archive at or before TIME), with its manifest.</summary>
public static class ArchiveChoice
{
    public static readonly OptionSpec[] Options =
    [
        OptionSpec.Text("--pod", "NAME", "read this pod's newest archive instead of a KEY"),
        OptionSpec.Text("--namespace", "NS", "with --pod: the pod's namespace"),
        OptionSpec.Text("--node", "N", "with --pod: archives made on this node"),
        OptionSpec.Text("--at", "TIME", "with --pod: the newest archive made at or before TIME (ISO 8601, e.g. 2026-11-20T08:00:00Z)"),
    ];

    /// <summary>Collects usage problems with the choice; <paramref name="key"/> is the KEY positional, if any.</summary>
    public static DateTimeOffset? Check(ArgParser a, string command, string? key)
    {
        var pod = a.Get("--pod");
        if (pod is null && key is null) a.Errors.Add($"{command} takes one archive KEY, or --pod NAME");
        if (pod is not null && key is not null) a.Errors.Add("give either a KEY or --pod, not both");
        if (pod is null && (a.Get("--namespace") ?? a.Get("--node") ?? a.Get("--at")) is not null) a.Errors.Add("--namespace, --node and --at select by pod; they need --pod");
        if (a.Get("--store") is null && a.Get(PolicyOption.Flag) is null) a.Errors.Add("--store URL is required (e.g. --store s3://bucket/prefix)");
        return Time(a, "--at");
    }

    /// <summary>The time given to <paramref name="option"/> (ISO 8601, or a key's yyyyMMddTHHmmssZ);
    /// a usage error when it is not one.</summary>
    public static DateTimeOffset? Time(ArgParser a, string option)
    {
        if (a.Get(option) is not { } text) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            || DateTimeOffset.TryParseExact(text, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
            return parsed;
        a.Errors.Add($"{option} '{text}' is not a time; use ISO 8601 like 2026-11-20T08:00:00Z");
        return null;
    }

    /// <summary>The key and its manifest (null only when <paramref name="noManifest"/>); an encrypted
    /// archive needs <paramref name="identities"/> (else <see cref="MissingIdentityException"/>).</summary>
    public static async Task<(string Key, ArchiveManifest? Manifest)> ResolveAsync(ArgParser a, string? key, DateTimeOffset? at, IArchiveStore store, TimeProvider clock, bool noManifest,
        IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        ArchiveManifest? manifest;
        if (a.Get("--pod") is { } pod)
        {
            (key, manifest) = await PodArchives.NewestAsync(store, new PodQuery(pod, a.Get("--namespace"), a.Get("--node"), at ?? clock.GetUtcNow()), cancellationToken, identities);
            Terminal.Error.WriteLine($"reading {key} (archived {manifest.CreatedAt:yyyy-MM-ddTHH:mm:ssZ} from node {manifest.Source.Node})");
        }
        else
        {
            // The manifest first: when it is there, the archive is asked for only by the read that
            // follows (one request less, which is most of what `cat` waits for on a near store).
            // Without an identity an encrypted one cannot be read: "no archive" still comes first.
            var locked = ArchiveKeys.IsEncrypted(key!) && identities is null;
            manifest = noManifest || locked ? null : await Restorer.ReadManifestAsync(store, key!, cancellationToken, identities);
            if (manifest is null && await store.StatAsync(key!, cancellationToken) is null)
                throw new ConfigurationException($"no archive {key} in {store.Location}; check the key (keys are relative to the store URL)");
            if (locked) throw new MissingIdentityException(key!);
            if (manifest is null && !noManifest)
                throw new ConfigurationException($"no manifest {ArchiveKeys.ManifestFor(key!)} beside {key}, so the restore could not be checked; pass --no-manifest to restore it unchecked (hand-made archives have none)");
        }
        if (!ArchiveReaders.CanOpen(ArchiveKeys.Plain(key!)))
            throw new ConfigurationException($"cannot tell the format of {key} from its name; archives end in {string.Join(", ", ArchiveReaders.Suffixes)}");
        return (key!, manifest);
    }
}
