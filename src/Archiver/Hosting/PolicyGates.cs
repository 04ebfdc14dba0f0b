using System.Collections.Concurrent;

namespace Archiver.Hosting;

/// <summary>One run per policy at a time inside this process (scheduled, start, catch-up and
/// disk-pressure runs share it); <see cref="Pipeline.SweepLock"/> covers other processes.</summary>
public sealed class PolicyGates
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public SemaphoreSlim For(string policy) => _gates.GetOrAdd(policy, _ => new SemaphoreSlim(1, 1));
}
