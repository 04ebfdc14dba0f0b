using System.Collections.Concurrent;

namespace Archiver.Hosting;

/// <summary>What <c>/readyz</c> answers: policies are loaded, and every policy's liveness source and
/// store answered at its last check (a readiness probe or a sweep).</summary>
public sealed class Readiness
{
    private readonly ConcurrentDictionary<string, string?> _livenessProblem = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string?> _storeProblem = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<string> _policies = [];

    public void PoliciesLoaded(IReadOnlyList<string> names)
    {
        _policies = names;
        foreach (var gone in _livenessProblem.Keys.Except(names)) _livenessProblem.TryRemove(gone, out _);
        foreach (var gone in _storeProblem.Keys.Except(names)) _storeProblem.TryRemove(gone, out _);
    }

    public void Liveness(string policy, string? problem) => _livenessProblem[policy] = problem;

    public void Store(string policy, string? problem) => _storeProblem[policy] = problem;

    /// <summary>Null when ready; otherwise why not, for people.</summary>
    public string? WhyNotReady()
    {
        var policies = _policies;
        if (policies.Count == 0) return "no valid policy is loaded";
        var reasons = new List<string>();
        foreach (var p in policies)
        {
            if (!_livenessProblem.TryGetValue(p, out var live)) reasons.Add($"{p}: liveness not checked yet");
            else if (live is not null) reasons.Add($"{p}: liveness: {live}");
            if (!_storeProblem.TryGetValue(p, out var store)) reasons.Add($"{p}: store not checked yet");
            else if (store is not null) reasons.Add($"{p}: store: {store}");
        }
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }
}
