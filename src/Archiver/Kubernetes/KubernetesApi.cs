using System.Net;
using System.Text.Json;
using k8s.Autorest;

using Archiver.Liveness;

namespace Archiver.Kubernetes;

/// <summary>
/// Runs one Kubernetes API call with a deadline and turns every failure into a
/// <see cref="KubernetesApiException"/> whose message names the call, the status, and for
/// 401/403 the RBAC permission that is needed. A hang ends at the deadline: fail closed, never wait forever.
/// </summary>
public sealed class KubernetesApi(k8s.Kubernetes client, string server, TimeSpan timeout)
{
    public k8s.Kubernetes Client { get; } = client;

    public string Server { get; } = server;

    public TimeSpan Timeout { get; } = timeout;

    /// <param name="what">The call, for messages, e.g. "list pods on node node-a".</param>
    /// <param name="permission">The RBAC rule it needs, e.g. "pods list (cluster-wide)".</param>
    public async Task<T> CallAsync<T>(string what, string permission, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            return await call(deadline.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubernetesApiException(null, $"{what}: no answer from {Server} within {Duration.Format(Timeout)} (requestTimeout)", e);
        }
        catch (HttpOperationException e)
        {
            var status = (int)e.Response.StatusCode;
            var detail = ServerMessage(e.Response.Content);
            var message = e.Response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => $"{what}: 401 Unauthorized from {Server}: the credentials were rejected (expired or wrong service-account token or kubeconfig user); the archiver needs a valid identity with RBAC permission {permission}",
                HttpStatusCode.Forbidden => $"{what}: 403 Forbidden: missing RBAC permission {permission} for the archiver's identity; grant it (see docs/kubernetes.md){detail}",
                _ => $"{what}: {status} {e.Response.ReasonPhrase} from {Server}{detail}",
            };
            throw new KubernetesApiException(status, message, e);
        }
        catch (HttpRequestException e)
        {
            throw new KubernetesApiException(null, $"{what}: cannot reach {Server}: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new KubernetesApiException(null, $"{what}: {Server} sent a response that is not Kubernetes JSON: {e.Message}", e);
        }
    }

    private static string ServerMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                return $" ({m.GetString()})";
        }
        catch (JsonException)
        {
        }
        return body.Length > 200 ? $" ({body[..200]}...)" : $" ({body})";
    }
}
