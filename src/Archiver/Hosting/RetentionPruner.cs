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
/// An object that S3 Object Lock still keeps is not a failure: it is counted in
/// <see cref="Result.Locked"/>, logged with its date, and tried again by a later run.
/// </summary>
public static class RetentionPruner
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(RetentionPruner));

    public sealed record Pruned(string Key, DateTimeOffset CreatedAt, long Size);

    /// <summary>An object old enough to prune that Object Lock keeps until <paramref name="LockedUntil"/>
    /// (null: a legal hold).</summary>
    public sealed record Locked(string Key, DateTimeOffset? LockedUntil);

    public sealed record Result(IReadOnlyList<Pruned> Pruned, IReadOnlyList<Locked> Locked);

    /// <summary>The leading part of the key template that only depends on cluster and node, e.g.
    /// <c>prod/node-1/</c>. Null when the template does not start with such a segment: then a prefix
    /// could reach other nodes' archives, and nothing is pruned.</summary>
    public static string? NodePrefix(Policy policy, string node) =>
        KeyTemplate.NodePrefix(policy.Key, policy.Cluster, node, policy.Name);

    /// <summary>Deletes (or with <paramref name="dryRun"/> only lists) what is older than <paramref name="cutoff"/>.</summary>
    public static async Task<Result> PruneAsync(IArchiveStore store, string prefix, DateTimeOffset cutoff,
        IReadOnlySet<string> protectedKeys, bool dryRun, CancellationToken cancellationToken)
    {
        var objects = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
        await foreach (var o in store.ListAsync(prefix, cancellationToken)) objects[o.Key] = o;
        var pruned = new List<Pruned>();
        var locked = new List<Locked>();
        foreach (var archive in objects.Values.Where(o => !ArchiveKeys.IsSidecar(o.Key)).ToList())
        {
            // Written no later than it was last modified: a recent object is never old enough.
            if (archive.LastModified >= cutoff || protectedKeys.Contains(archive.Key)) continue;
            var manifestKey = ArchiveKeys.ManifestFor(archive.Key);
            // An encrypted manifest cannot be read here (no private key): the object's own time serves.
            var createdAt = objects.ContainsKey(manifestKey) && !ArchiveKeys.IsEncrypted(archive.Key)
                ? await CreatedAtAsync(store, archive.Key, cancellationToken) ?? archive.LastModified
                : archive.LastModified;
            if (createdAt >= cutoff) continue;
            if (dryRun)
            {
                pruned.Add(new Pruned(archive.Key, createdAt, archive.Size));
                continue;
            }
            if (!await DeleteAsync(store, archive.Key, locked, cancellationToken)) continue;
            pruned.Add(new Pruned(archive.Key, createdAt, archive.Size));
            await DeleteAsync(store, manifestKey, locked, cancellationToken);
            if (ArchiveKeys.IsEncrypted(archive.Key)) await DeleteAsync(store, ArchiveKeys.IntegrityFor(archive.Key), locked, cancellationToken);
            Log.Information("Pruned {Key} created {CreatedAt:o} (older than {Cutoff:o})", archive.Key, createdAt, cutoff);
        }
        foreach (var manifest in objects.Values.Where(o => ArchiveKeys.IsSidecar(o.Key) && o.LastModified < cutoff))
        {
            var archiveKey = ArchiveKeys.ArchiveOf(manifest.Key)!;
            if (objects.ContainsKey(archiveKey) || protectedKeys.Contains(archiveKey)) continue;
            if (!dryRun && !await DeleteAsync(store, manifest.Key, locked, cancellationToken)) continue;
            pruned.Add(new Pruned(manifest.Key, manifest.LastModified, manifest.Size));
            if (!dryRun) Log.Information("Pruned manifest {Key} whose archive is gone", manifest.Key);
        }
        return new Result(pruned, locked);
    }

    /// <summary>False when Object Lock keeps the object: recorded in <paramref name="locked"/> and
    /// logged, never retried now (the lock will not lift before its date).</summary>
    private static async Task<bool> DeleteAsync(IArchiveStore store, string key, List<Locked> locked, CancellationToken cancellationToken)
    {
        try
        {
            await store.DeleteAsync(key, cancellationToken);
            return true;
        }
        catch (ObjectLockedException e)
        {
            locked.Add(new Locked(key, e.LockedUntil));
            if (e.LockedUntil is { } until)
                Log.Information("Not pruned {Key}: kept by object lock until {LockedUntil:o}; a later run deletes it", key, until);
            else
                Log.Warning("Not pruned {Key}: kept by an object lock legal hold; it is deleted once the hold is removed", key);
            return false;
        }
    }

    private static async Task<DateTimeOffset?> CreatedAtAsync(IArchiveStore store, string archiveKey, CancellationToken cancellationToken)
    {
        try
        {
            var created = (await store.ReadManifestAsync(archiveKey, cancellationToken))?.CreatedAt;
            return created == default ? null : created;
        }
        catch (ArchivedObjectException)
        {
            // A manifest in an archive class (moved there by a lifecycle rule) cannot be read without a
            // thaw; the archive's own time is a fine measure of age.
            return null;
        }
        catch (InvalidDataException e)
        {
            Log.Warning("Manifest {Key} is unreadable ({Message}); using the archive's LastModified for its age", ArchiveKeys.ManifestFor(archiveKey), e.Message);
            return null;
        }
    }
}
