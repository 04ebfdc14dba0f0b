using System.Runtime.CompilerServices;
using Archiver.Archives;
using Archiver.Encryption;
using Archiver.Layouts;
using Archiver.Stores;

namespace Archiver.Restore;

/// <summary>
/// <c>archiver find</c>: the entries of many archives that match a glob, from their manifests. Keys
/// are listed once; node, pod and time come from each key first (<see cref="KeyPattern"/>), so a
/// manifest is read only when its key may match. Up to <see cref="Parallel"/> manifests are read at a
/// time, each parsed as it streams, and results come back in key order: memory holds a few manifests,
/// not all of them. A key the template did not make is judged by its manifest instead. Encrypted
/// manifests (<c>K.manifest.json.age</c>) are read with <c>identities</c>; without them they are
/// counted in <see cref="FindTally.Encrypted"/>, not read.
/// </summary>
public static class EntryFinder
{
    public const int Parallel = 8;

    public static async IAsyncEnumerable<FoundArchive> FindAsync(IArchiveStore store, FindQuery query, FindTally tally, IReadOnlyList<AgeIdentity>? identities,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var window = new Queue<Task<FoundArchive?>>();
        await foreach (var o in store.ListAsync("", cancellationToken))
        {
            if (ArchiveKeys.ArchiveOf(o.Key) is not { } archiveKey || o.Key != ArchiveKeys.ManifestFor(archiveKey)) continue;
            tally.Manifests++;
            if (!MayMatch(query, query.Keys.Match(ArchiveKeys.Plain(archiveKey))))
            {
                tally.SkippedByKey++;
                continue;
            }
            if (ArchiveKeys.IsEncrypted(archiveKey) && identities is null)
            {
                tally.Encrypted++;
                continue;
            }
            window.Enqueue(SearchAsync(store, archiveKey, query, tally, identities, cancellationToken));
            if (window.Count < Parallel) continue;
            if (await window.Dequeue() is { } found) yield return found;
        }
        while (window.Count > 0)
            if (await window.Dequeue() is { } found) yield return found;
    }

    /// <summary>False when the key alone proves the archive is outside the query. A key holds what
    /// the manifest holds (ArchiveStage.KeyFor): {pod} is the pod's name (the directory's when the
    /// layout names none), {dir} the directory, {node} the pod's node (<see cref="NodeOf"/>); all
    /// sanitised, so the query's values are sanitised the same way before comparing.</summary>
    private static bool MayMatch(FindQuery query, IReadOnlyDictionary<string, string>? fields)
    {
        if (fields is null) return true;
        if (KeyPattern.Timestamp(fields) is { } t && !query.InTime(t)) return false;
        if (query.Node is { } node && fields.TryGetValue("node", out var n) && n != KeyTemplate.Sanitize(node)) return false;
        if (query.Pod is { } pod && fields.TryGetValue("pod", out var p) && fields.TryGetValue("dir", out var d))
            return p == KeyTemplate.Sanitize(pod) || d == KeyTemplate.Sanitize(pod);
        return true;
    }

    /// <summary>The node the pod ran on: the layout's <c>node</c> field on a shared volume, else the
    /// node that archived it.</summary>
    public static string NodeOf(ManifestSource source) => source.Fields?.GetValueOrDefault("node") ?? source.Node;

    private static async Task<FoundArchive?> SearchAsync(IArchiveStore store, string key, FindQuery query, FindTally tally, IReadOnlyList<AgeIdentity>? identities,
        CancellationToken cancellationToken)
    {
        ArchiveManifest? manifest;
        try
        {
            manifest = await store.ReadManifestAsync(key, cancellationToken, identities);
            tally.CountRead();
        }
        catch (Exception e) when (e is InvalidDataException or AgeIdentityMismatchException)
        {
            lock (tally.Unreadable) tally.Unreadable.Add(e is AgeIdentityMismatchException ? $"{ArchiveKeys.ManifestFor(key)}: {e.Message}" : e.Message);
            return null;
        }
        if (manifest is null) return null;
        var source = manifest.Source;
        if (query.Node is { } node && NodeOf(source) != node) return null;
        if (query.Pod is { } pod && (source.Pod ?? source.Dir) != pod && source.Dir != pod) return null;
        var made = KeyPattern.Timestamp(query.Keys.Match(ArchiveKeys.Plain(key))) ?? manifest.CreatedAt;
        if (!query.InTime(made)) return null;
        var entries = EntrySelection.Matching(manifest, query.Globs);
        return entries.Count == 0 ? null : new FoundArchive(key, source, manifest.CreatedAt, entries);
    }
}
