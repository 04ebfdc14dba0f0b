using System.Collections.Concurrent;

namespace Archiver.Hosting;

/// <summary>What <c>/readyz</c> answers: policies are loaded, no policy file is invalid, and every
/// policy's liveness source and store answered at its last check (a readiness probe or a sweep). An
/// invalid file makes the pod unready even while the other policies run: a rollout of a broken
/// ConfigMap stops at the first nodes instead of reaching every node with that policy running nowhere.</summary>
public sealed class Readiness
{
    private readonly ConcurrentDictionary<string, string?> _livenessProblem = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string?> _storeProblem = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<string> _policies = [];
    private volatile IReadOnlyList<PolicyProblem> _invalidFiles = [];

    public void PoliciesLoaded(IReadOnlyList<string> names)
    {
        _policies = names;
        foreach (var gone in _livenessProblem.Keys.Except(names)) _livenessProblem.TryRemove(gone, out _);
        foreach (var gone in _storeProblem.Keys.Except(names)) _storeProblem.TryRemove(gone, out _);
    }

    /// <summary>The problems of the policy files whose newest content is invalid (empty when all are valid).</summary>
    public void InvalidPolicyFiles(IReadOnlyList<PolicyProblem> problems) => _invalidFiles = problems;

    public void Liveness(string policy, string? problem) => _livenessProblem[policy] = problem;

    public void Store(string policy, string? problem) => _storeProblem[policy] = problem;

    /// <summary>Null when ready; otherwise why not, for people.</summary>
    public string? WhyNotReady()
    {
        var policies = _policies;
        var reasons = _invalidFiles.Select(p => $"invalid policy file {p}").ToList();
        if (policies.Count == 0) reasons.Add("no valid policy is loaded");
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
