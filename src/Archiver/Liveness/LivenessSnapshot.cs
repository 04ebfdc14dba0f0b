namespace Archiver.Liveness;

/// <summary>The pods that existed at one moment, indexed by name.</summary>
public sealed class LivenessSnapshot
{
    private readonly Dictionary<string, List<PodState>> _byName = new(StringComparer.Ordinal);

    public LivenessSnapshot(IEnumerable<PodState> pods)
    {
        foreach (var pod in pods)
        {
            if (!_byName.TryGetValue(pod.Name, out var list)) _byName[pod.Name] = list = [];
            list.Add(pod);
        }
    }

    public int Count => _byName.Values.Sum(l => l.Count);

    /// <summary>Pods with this name; in one namespace when <paramref name="ns"/> is given, in any otherwise.
    /// A pod listed without a namespace matches any namespace.</summary>
    public IReadOnlyList<PodState> Find(string? ns, string name)
    {
        if (!_byName.TryGetValue(name, out var list)) return [];
        return ns is null ? list : list.Where(p => p.Namespace is null || p.Namespace == ns).ToList();
    }
}
