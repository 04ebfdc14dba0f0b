using Archiver.Archives;
using Archiver.Encryption;
using Archiver.Policies;
using Archiver.Stores;

namespace Archiver.Restore;

/// <summary>
/// The archives of one pod (<c>restore --pod</c>, <c>cat --pod</c>): picks its newest archive at or
/// before <see cref="PodQuery.At"/> from the manifests' <c>source</c> (pod, namespace, node) and
/// <c>createdAt</c>, through <see cref="IArchiveStore.ListAsync"/> only, so it works for every store
/// and every key template. Only manifests whose key mentions the pod's name are read (every key
/// template names the pod or its directory), so a lookup does not download every manifest.
/// Encrypted manifests are read with <c>identities</c>; without them, finding one throws
/// <see cref="MissingIdentityException"/>.
/// </summary>
public static class PodArchives
{
    public static async Task<(string Key, ArchiveManifest Manifest)> NewestAsync(IArchiveStore store, PodQuery query, CancellationToken cancellationToken,
        IReadOnlyList<AgeIdentity>? identities = null)
    {
        var matches = new List<(string Key, ArchiveManifest Manifest)>();
        await foreach (var o in store.ListAsync("", cancellationToken))
        {
            if (ArchiveKeys.ArchiveOf(o.Key) is not { } archiveKey || o.Key != ArchiveKeys.ManifestFor(archiveKey) || !o.Key.Contains(query.Pod, StringComparison.Ordinal)) continue;
            var manifest = await Restorer.ReadManifestAsync(store, archiveKey, cancellationToken, identities);
            if (manifest is null || (manifest.Source.Pod ?? manifest.Source.Dir) != query.Pod) continue;
            matches.Add((archiveKey, manifest));
        }
        if (matches.Count == 0)
            throw new ConfigurationException($"no archive of pod {query.Pod} in {store.Location}; check the pod name (it is matched exactly), or restore a KEY directly");
        var filtered = matches
            .Where(m => query.Namespace is null || (m.Manifest.Source.Namespace ?? "_") == query.Namespace)
            .Where(m => query.Node is null || m.Manifest.Source.Node == query.Node)
            .ToList();
        if (filtered.Count == 0)
            throw new ConfigurationException($"pod {query.Pod} has archives only for {Describe(matches)}; change --namespace/--node");
        var namespaces = filtered.Select(m => m.Manifest.Source.Namespace ?? "_").Distinct().ToList();
        if (query.Namespace is null && namespaces.Count > 1)
            throw new ConfigurationException($"pod {query.Pod} has archives in namespaces {string.Join(", ", namespaces.Order(StringComparer.Ordinal))}; pass --namespace to choose");
        var before = filtered.Where(m => query.At is null || m.Manifest.CreatedAt <= query.At).ToList();
        if (before.Count == 0)
            throw new ConfigurationException($"pod {query.Pod} has no archive made at or before {query.At:yyyy-MM-ddTHH:mm:ssZ}; the oldest is from {filtered.Min(m => m.Manifest.CreatedAt):yyyy-MM-ddTHH:mm:ssZ}");
        return before.MaxBy(m => (m.Manifest.CreatedAt, m.Key))!;
    }

    private static string Describe(List<(string Key, ArchiveManifest Manifest)> matches) =>
        string.Join(", ", matches.Select(m => $"namespace {m.Manifest.Source.Namespace ?? "_"} on node {m.Manifest.Source.Node}").Distinct().Order(StringComparer.Ordinal));
}
