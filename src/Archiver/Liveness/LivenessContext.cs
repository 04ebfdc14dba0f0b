namespace Archiver.Liveness;

/// <summary>What a liveness source may need from the command line or environment: this node, and
/// the kubeconfig given with --kubeconfig.</summary>
public sealed record LivenessContext(NodeIdentity Node, string? Kubeconfig = null);
