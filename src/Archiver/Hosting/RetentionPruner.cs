using Archiver.Archives;
using Archiver.Layouts;
using Archiver.Policies;
using Archiver.Stores;
using Serilog;

namespace Archiver.Hosting;

/// <summary>
/// <c>retention.remoteFor</c>: deletes archives and their manifests (and integrity records) older
/// than that under this node's key prefix only. Age is the manifest's <c>createdAt</c> (the object's
/// LastModified when there is no readable manifest, or it is encrypted). An archive the journal still refers to is never pruned; the
/// archive goes first, so a crash leaves at most an old manifest, which the next run removes.
/// </summary>
public static class RetentionPruner
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(RetentionPruner));

    public sealed record Pruned(string Key, DateTimeOffset CreatedAt, long Size);

    /// <summary>The leading part of the key template that only depends on cluster and node, e.g.
    /// <c>prod/node-1/</c>. Null when the template does not start with such a segment: then a prefix
    /// could reach other nodes' archives, and nothing is pruned.</summary>
    public static string? NodePrefix(Policy policy, string node) =>
        KeyTemplate.NodePrefix(policy.Key, policy.Cluster, node, policy.Name);

    /// <summary>Deletes (or with <paramref name="dryRun"/> only lists) what is older than <paramref name="cutoff"/>.</summary>
    public static async Task<IReadOnlyList<Pruned>> PruneAsync(IArchiveStore store, string prefix, DateTimeOffset cutoff,
        IReadOnlySet<string> protectedKeys, bool dryRun, CancellationToken cancellationToken)
    {
        var objects = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
        await foreach (var o in store.ListAsync(prefix, cancellationToken)) objects[o.Key] = o;
        var pruned = new List<Pruned>();
        foreach (var archive in objects.Values.Where(o => !ArchiveKeys.IsSidecar(o.Key)).ToList())
        {
            // Written no later than it was last modified: a recent object is never old enough.
            if (archive.LastModified >= cutoff || protectedKeys.Contains(archive.Key)) continue;
            var manifestKey = ArchiveManifest.KeyFor(archive.Key);
            // An encrypted manifest cannot be read here (no private key): the object's own time serves.
            var createdAt = objects.ContainsKey(manifestKey) && !ArchiveKeys.IsEncrypted(archive.Key)
                ? await CreatedAtAsync(store, archive.Key, cancellationToken) ?? archive.LastModified
                : archive.LastModified;
            if (createdAt >= cutoff) continue;
            pruned.Add(new Pruned(archive.Key, createdAt, archive.Size));
            if (dryRun) continue;
            await store.DeleteAsync(archive.Key, cancellationToken);
            await store.DeleteAsync(manifestKey, cancellationToken);
            if (ArchiveKeys.IsEncrypted(archive.Key)) await store.DeleteAsync(ArchiveKeys.IntegrityFor(archive.Key), cancellationToken);
            Log.Information("Pruned {Key} created {CreatedAt:o} (older than {Cutoff:o})", archive.Key, createdAt, cutoff);
        }
        foreach (var manifest in objects.Values.Where(o => ArchiveKeys.IsSidecar(o.Key) && o.LastModified < cutoff))
        {
            var archiveKey = ArchiveKeys.ArchiveOf(manifest.Key)!;
            if (objects.ContainsKey(archiveKey) || protectedKeys.Contains(archiveKey)) continue;
            pruned.Add(new Pruned(manifest.Key, manifest.LastModified, manifest.Size));
            if (dryRun) continue;
            await store.DeleteAsync(manifest.Key, cancellationToken);
            Log.Information("Pruned manifest {Key} whose archive is gone", manifest.Key);
        }
        return pruned;
    }

    private static async Task<DateTimeOffset?> CreatedAtAsync(IArchiveStore store, string archiveKey, CancellationToken cancellationToken)
    {
        try
        {
            var created = (await store.ReadManifestAsync(archiveKey, cancellationToken))?.CreatedAt;
            return created == default ? null : created;
        }
        catch (InvalidDataException e)
        {
            Log.Warning("Manifest {Key} is unreadable ({Message}); using the archive's LastModified for its age", ArchiveManifest.KeyFor(archiveKey), e.Message);
            return null;
        }
    }
}
