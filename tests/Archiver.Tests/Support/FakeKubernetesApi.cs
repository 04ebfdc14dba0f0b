using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Archiver.Tests.Support;

/// <summary>
/// A Kubernetes API server on 127.0.0.1 for the real KubernetesClient: pods (paginated lists with
/// <c>continue</c> tokens, field selectors read by the server's rules, single GET),
/// coordination.k8s.io/v1 leases (create, get, update with 409 on a stale resourceVersion) and
/// core/v1 events (validated by the server's rules), in the API's own JSON and Status answers.
/// Faults (any status, or a hang) are injected per request; every request is recorded.
/// </summary>
public sealed partial class FakeKubernetesApi : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly List<JsonObject> _pods = [];
    private readonly Dictionary<(string Ns, string Name), JsonObject> _leases = [];
    private readonly List<Fault> _faults = [];
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<JsonObject> _events = [];
    private readonly Task _loop;
    private int _resourceVersion = 1000;

    private sealed class Fault(Func<RecordedRequest, bool> when, int status, int times)
    {
        public Func<RecordedRequest, bool> When { get; } = when;
        public int Status { get; } = status;
        public int Remaining { get; set; } = times;
    }

    private FakeKubernetesApi(HttpListener listener, string url)
    {
        _listener = listener;
        Url = url;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string Url { get; }

    /// <summary>The status for a hang: the request gets no answer until the server stops.</summary>
    public const int Hang = -1;

    public IReadOnlyList<RecordedRequest> Requests { get { lock (_gate) return _requests.ToList(); } }

    /// <summary>The events the server accepted (a rejected one is answered 4xx and not kept).</summary>
    public IReadOnlyList<JsonObject> Events { get { lock (_gate) return _events.ToList(); } }

    /// <summary>A broken server: every pod list page hands out the same continue token, forever.</summary>
    public bool LoopingContinueToken { get; set; }

    /// <summary>Runs before each request is answered (e.g. a pod that comes back just before a delete).</summary>
    public Action<RecordedRequest>? OnRequest { get; set; }

    public static FakeKubernetesApi Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new FakeKubernetesApi(listener, $"http://127.0.0.1:{port}");
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>A kubeconfig that points the real client at this server.</summary>
    public string WriteKubeconfig(string dir, string token = "test-token")
    {
        var path = Path.Combine(dir, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Url}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: archiver
            current-context: fake
            users:
            - name: archiver
              user:
                token: {token}
            """);
        return path;
    }

    public void AddPod(string ns, string name, string phase = "Running", string node = "node-a")
    {
        lock (_gate)
        {
            _pods.RemoveAll(p => Meta(p, "namespace") == ns && Meta(p, "name") == name);
            _pods.Add(new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["name"] = name,
                    ["namespace"] = ns,
                    ["uid"] = Guid.NewGuid().ToString(),
                    ["resourceVersion"] = NextVersion(),
                    ["creationTimestamp"] = "2026-01-01T00:00:00Z",
                    ["labels"] = new JsonObject { ["app"] = name },
                },
                ["spec"] = new JsonObject
                {
                    ["nodeName"] = node.Length == 0 ? null : node, // unscheduled: no nodeName
                    ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "busybox:1.36" }),
                    ["restartPolicy"] = "Always",
                    ["schedulerName"] = "default-scheduler",
                    ["serviceAccountName"] = "default",
                },
                ["status"] = new JsonObject
                {
                    ["phase"] = phase,
                    ["podIP"] = "10.244.1.7",
                    ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = "10.244.1.7" }),
                    ["hostIP"] = "192.168.1.10",
                },
            });
        }
    }

    public void RemovePod(string ns, string name)
    {
        lock (_gate) _pods.RemoveAll(p => Meta(p, "namespace") == ns && Meta(p, "name") == name);
    }

    /// <summary>Answers matching requests with <paramref name="status"/> (or <see cref="Hang"/>), <paramref name="times"/> times.</summary>
    public void Fail(Func<RecordedRequest, bool> when, int status, int times = int.MaxValue)
    {
        lock (_gate) _faults.Add(new Fault(when, status, times));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is ObjectDisposedException or HttpListenerException or OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or HttpListenerException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var req = context.Request;
        string? body = null;
        if (req.HasEntityBody)
        {
            using var reader = new StreamReader(req.InputStream, Encoding.UTF8);
            body = await reader.ReadToEndAsync();
        }
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        var q = req.Url!.Query.TrimStart('?');
        foreach (var pair in q.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var k = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            query[k] = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
        }
        var recorded = new RecordedRequest(req.HttpMethod, req.Url.AbsolutePath, query, body, req.Headers["Authorization"]);
        OnRequest?.Invoke(recorded);
        int status;
        JsonObject response;
        Fault? fault;
        lock (_gate)
        {
            _requests.Add(recorded);
            fault = _faults.FirstOrDefault(f => f.Remaining > 0 && f.When(recorded));
            if (fault is not null) fault.Remaining--;
        }
        try
        {
            if (fault is { Status: Hang })
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
                return;
            }
            (status, response) = fault is not null ? (fault.Status, Status(fault.Status, FaultMessage(fault.Status, recorded))) : Route(recorded);
            var bytes = Encoding.UTF8.GetBytes(response.ToJsonString());
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, _stop.Token);
            context.Response.Close();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException or IOException)
        {
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private string NextVersion() => (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? Meta(JsonObject o, string field) => o["metadata"]?[field]?.GetValue<string>();
}
