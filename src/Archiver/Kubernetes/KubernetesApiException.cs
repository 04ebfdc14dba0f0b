using Archiver.Liveness;

namespace Archiver.Kubernetes;

/// <summary>A Kubernetes API call that failed, with a message that says what was asked, what went
/// wrong and what to do. <see cref="Status"/> is the HTTP status, or null for a timeout or
/// network failure.</summary>
public sealed class KubernetesApiException(int? status, string message, Exception? inner = null) : Exception(message, inner)
{
    public int? Status { get; } = status;
}
