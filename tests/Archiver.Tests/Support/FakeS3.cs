using System.Security.Cryptography;

namespace Archiver.Tests.Support;

/// <summary>Minimal S3 answers for <see cref="RecordingHttpServer"/>: multipart start/part/complete,
/// PUT, HEAD. Enough to watch what a client sends.</summary>
public static class FakeS3
{
    public static Reply Answer(RecordedHttpRequest r)
    {
        var etag = new Dictionary<string, string> { ["ETag"] = $"\"{Convert.ToHexStringLower(MD5.HashData(r.Body))}\"" };
        return r.Method switch
        {
            "POST" when r.Query.StartsWith("uploads", StringComparison.Ordinal) =>
                Xml("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>"),
            "POST" when r.Query.Contains("uploadId=", StringComparison.Ordinal) =>
                Xml("<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>\"done\"</ETag></CompleteMultipartUploadResult>"),
            "PUT" => new Reply(200, "", etag),
            "HEAD" => new Reply(200, "", new Dictionary<string, string> { ["Content-Length"] = "3", ["Last-Modified"] = "Mon, 23 Nov 2026 00:00:00 GMT" }),
            "DELETE" => new Reply(204),
            _ => new Reply(400, "<Error><Code>NotImplemented</Code></Error>"),
        };
    }

    /// <summary>An AWS credentials file with profile <c>p</c> (keys that mean nothing), for stores
    /// pointed at a <see cref="RecordingHttpServer"/>.</summary>
    public static readonly string CredentialsFile = WriteCredentials();

    /// <summary>An <c>s3://bucket/prefix</c> store whose requests all go to <paramref name="server"/>.</summary>
    public static Archiver.Stores.IArchiveStore Store(RecordingHttpServer server) =>
        new Archiver.Stores.S3.S3StoreProvider(Archiver.Stores.S3.S3Flavor.S3, _ => null, TimeProvider.System, new LoopbackHttpClientFactory(server))
            .Create(new Uri("s3://bucket/prefix"), new Dictionary<string, string>
            {
                ["endpoint"] = $"http://127.0.0.1:{server.Port}",
                ["pathStyle"] = "true",
                ["credentialsFile"] = CredentialsFile,
                ["profile"] = "p",
            });

    private static string WriteCredentials()
    {
        var path = Path.Combine(Path.GetTempPath(), $"archiver-fake-s3-credentials-{Guid.NewGuid():N}");
        File.WriteAllText(path, "[p]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = fake-s3-test-secret\n");
        return path;
    }

    public static Reply Error(int status, string code) =>
        new(status, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{code}</Message><RequestId>r1</RequestId></Error>",
            new Dictionary<string, string> { ["Content-Type"] = "application/xml" });

    private static Reply Xml(string body) =>
        new(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body, new Dictionary<string, string> { ["Content-Type"] = "application/xml" });
}

/// <summary>Gives the SDK an HttpClient whose connections all go to one loopback port (a
/// <see cref="RecordingHttpServer"/> or the <see cref="OssDialectProxy"/>), whatever the URL's host name.</summary>
public sealed class LoopbackHttpClientFactory(Func<HttpMessageHandler> handler) : Amazon.Runtime.HttpClientFactory
{
    public LoopbackHttpClientFactory(RecordingHttpServer server)
        : this(server.LoopbackHandler)
    {
    }

    public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) => new(handler());

    public override bool UseSDKHttpClientCaching(Amazon.Runtime.IClientConfig clientConfig) => false;

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> (so virtual-hosted <c>bucket.localhost</c>
    /// URLs reach it; nothing ever leaves loopback).</summary>
    public static HttpMessageHandler HandlerTo(int port) => new System.Net.Http.SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, ct);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        },
    };
}
