using System.Globalization;
using k8s;
using Archiver.Pipeline;
using k8s.Models;

namespace Archiver.Liveness.Kubernetes;

/// <summary>
/// Records a core/v1 Event with reason <c>Archived</c> on this node per archived directory, in the
/// archiver's namespace, so <c>kubectl get events -n NAMESPACE</c> shows what was archived where.
/// </summary>
public sealed class KubernetesEventSink(KubernetesApi api, string eventNamespace, string nodeName, string instance, TimeProvider clock) : IArchiveEventSink
{
    public const string Reason = "Archived";

    public async Task RecordArchivedAsync(ArchivedDirectory archived, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var message = $"Archived {archived.Directory}{(archived.Pod is null ? "" : $" (pod {archived.Pod})")} to {archived.Key}: " +
            $"{archived.BytesIn.ToString(CultureInfo.InvariantCulture)} bytes in, {archived.BytesOut.ToString(CultureInfo.InvariantCulture)} bytes stored; " +
            (archived.Deleted ? "directory deleted" : "directory kept");
        var ev = new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta
            {
                // Like the kubelet: object name plus a unique suffix.
                Name = $"{nodeName}.{now.ToUnixTimeMilliseconds():x}{Random.Shared.Next(0x10000):x4}",
                NamespaceProperty = eventNamespace,
                Annotations = new Dictionary<string, string> { ["archiver.io/key"] = archived.Key, [LeaseDirectoryLock.DirectoryAnnotation] = archived.Directory },
            },
            InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = nodeName },
            Reason = Reason,
            Message = message,
            Type = "Normal",
            Source = new V1EventSource { Component = "archiver", Host = nodeName },
            ReportingComponent = "archiver",
            ReportingInstance = instance,
            FirstTimestamp = now.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Count = 1,
        };
        await api.CallAsync($"create event in {eventNamespace}", $"events create (in namespace {eventNamespace})",
            ct => api.Client.CoreV1.CreateNamespacedEventAsync(ev, eventNamespace, cancellationToken: ct), cancellationToken);
    }
}
