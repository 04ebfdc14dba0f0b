using Archiver.Liveness;

namespace Archiver.Kubernetes;

/// <summary>
/// The pod the archiver runs in, from the downward API (<c>POD_NAMESPACE</c>, <c>POD_NAME</c>,
/// <c>POD_UID</c> in the DaemonSet): what its <c>Archived</c> events are about. Null outside a pod.
/// </summary>
public sealed record ArchiverPod(string Namespace, string Name, string? Uid)
{
    /// <summary>The pod from the environment, or null when POD_NAMESPACE or POD_NAME is not set.</summary>
    public static ArchiverPod? FromEnvironment(Func<string, string?> environment) =>
        environment("POD_NAMESPACE") is { Length: > 0 } ns && environment("POD_NAME") is { Length: > 0 } name
            ? new ArchiverPod(ns, name, environment("POD_UID") is { Length: > 0 } uid ? uid : null)
            : null;
}
