namespace Archiver.Stores.Azure;

/// <summary>The HTTP client token requests share: they are rare, and connections are pooled.</summary>
internal static class TokenHttp
{
    public static readonly HttpClient Shared = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };
}
