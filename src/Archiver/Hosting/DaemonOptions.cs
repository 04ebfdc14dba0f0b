namespace Archiver.Hosting;

/// <summary>What <c>archiver run</c> was told on its command line.</summary>
public sealed record DaemonOptions
{
    /// <summary>Directory of policy files (*.yaml, *.yml), e.g. a mounted ConfigMap.</summary>
    public required string PoliciesDirectory { get; init; }

    /// <summary>When set, each policy without its own <c>state</c> keeps its journal in <c>&lt;this&gt;/&lt;name&gt;</c>.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Address of the health and metrics endpoints; port 0 picks a free one.</summary>
    public System.Net.IPEndPoint Listen { get; init; } = new(System.Net.IPAddress.Any, 8080);

    /// <summary>This node, from --node or NODE_NAME, else the host name (a guess node-scoped liveness refuses).</summary>
    public required NodeIdentity Node { get; init; }

    public string? Kubeconfig { get; init; }

    /// <summary>How long SIGTERM may take: in-flight work is cancelled, then the process exits.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How often the policy directory is compared with what is loaded.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often disk usage (and, every fifth time, readiness) is checked between runs.</summary>
    public TimeSpan PressureInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>CPU niceness to apply to the process (0 leaves it).</summary>
    public int Nice { get; init; } = 10;

    /// <summary>IO scheduling class: idle, best-effort or none (leave it).</summary>
    public string IoClass { get; init; } = "idle";

    /// <summary>Retention runs at most this often per policy (listing a whole prefix is not free).</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromHours(6);
}
