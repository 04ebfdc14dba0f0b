namespace Archiver.Liveness;

/// <summary>What a liveness source may need from the command line or environment.</summary>
public sealed record LivenessContext(string NodeName, string? Kubeconfig = null)
{
    /// <summary>True when the node name came from --node or NODE_NAME, not from the host name.</summary>
    public bool NodeNameIsExplicit { get; init; }
}
