namespace Archiver.Tests.Support;

/// <summary>Proxies in front of the test radosgw (to count what it sends, or to inject faults),
/// made on demand by one test and disposed with it.</summary>
public sealed class S3Proxies(S3Server server) : IDisposable
{
    private readonly List<S3FaultProxy> _made = [];

    public S3FaultProxy New()
    {
        var proxy = new S3FaultProxy(server.Endpoint);
        lock (_made) _made.Add(proxy);
        return proxy;
    }

    public void Dispose()
    {
        foreach (var proxy in _made) proxy.Dispose();
    }
}
