using System.Globalization;
using k8s;
using Archiver.Pipeline;
using k8s.Models;

using Archiver.Liveness;

namespace Archiver.Kubernetes;

/// <summary>
/// Records a core/v1 Event with reason <c>Archived</c> per archived directory, about the archiver's
/// own pod and in that pod's namespace, so <c>kubectl get events -n NAMESPACE</c> and
/// <c>kubectl describe pod</c> show what was archived where.
/// <para>The shape is the one the API server accepts (<c>legacyValidateEvent</c> in
/// kubernetes pkg/apis/core/validation/events.go): without <c>eventTime</c>, an event about a
/// namespaced object must live in that object's namespace. An event about the Node would have to
/// go to <c>default</c>, outside the namespace the archiver may write to.</para>
/// </summary>
public sealed class KubernetesEventSink(KubernetesApi api, ArchiverPod self, string nodeName, string instance, TimeProvider clock) : IArchiveEventSink
{
    public const string Reason = "Archived";

    public ArchiverPod Self { get; } = self;

    public async Task RecordArchivedAsync(ArchivedDirectory archived, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var message = $"Archived {archived.Directory}{(archived.Pod is null ? "" : $" (pod {archived.Pod})")} on node {nodeName} to {archived.Key}: " +
            $"{archived.BytesIn.ToString(CultureInfo.InvariantCulture)} bytes in, {archived.BytesOut.ToString(CultureInfo.InvariantCulture)} bytes stored; " +
            (archived.Deleted ? "directory deleted" : "directory kept");
        // Like client-go's core/v1 event recorder: first/last timestamp and count, no eventTime.
        var ev = new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta
            {
                // Like the kubelet: object name plus a unique suffix.
                Name = $"{Self.Name}.{now.ToUnixTimeMilliseconds():x}{Random.Shared.Next(0x10000):x4}",
                NamespaceProperty = Self.Namespace,
                Annotations = new Dictionary<string, string> { ["archiver.io/key"] = archived.Key, [LeaseDirectoryLock.DirectoryAnnotation] = archived.Directory },
            },
            // The uid makes `kubectl describe pod` list the event (it selects on involvedObject.uid).
            InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", NamespaceProperty = Self.Namespace, Name = Self.Name, Uid = Self.Uid },
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
        await api.CallAsync($"create event in {Self.Namespace}", $"events create (in namespace {Self.Namespace})",
            ct => api.Client.CoreV1.CreateNamespacedEventAsync(ev, Self.Namespace, cancellationToken: ct), cancellationToken);
    }
}
