using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;

namespace Archiver.Tests.Support.Identity;

/// <summary>
/// Temporary credentials that the real S3 server accepts: a radosgw user of this test's own with a
/// pool of S3 keys, made with <c>radosgw-admin</c> before any is used (so no gateway cache can be
/// stale). Each <see cref="Issue"/> hands out the next unused key with a fresh session token, as STS
/// would (radosgw checks the signature made with the key; the token is checked by
/// <see cref="SessionTokenGate"/> in front of it, since radosgw without its own STS ignores
/// <c>X-Amz-Security-Token</c>). The first key is kept back to create the bucket.
/// </summary>
public sealed class RgwTemporaryKeys : IDisposable
{
    private readonly string _conf;
    private readonly string _uid = $"irsa-{Guid.NewGuid():N}"[..20];
    private readonly ConcurrentQueue<(string Id, string Secret)> _unused = new();
    private readonly ConcurrentQueue<TemporaryCredentials> _issued = new();
    private (string Id, string Secret) _owner;

    private RgwTemporaryKeys(string conf) => _conf = conf;

    public IReadOnlyList<TemporaryCredentials> Issued => [.. _issued];

    public static async Task<RgwTemporaryKeys> CreateAsync(S3Server server, int count)
    {
        var keys = new RgwTemporaryKeys(server.CephConf);
        keys._owner = NewKey();
        await keys.AdminAsync("user", "create", "--uid", keys._uid, "--display-name", "Archiver workload identity test",
            "--access-key", keys._owner.Id, "--secret-key", keys._owner.Secret);
        for (var i = 0; i < count; i++)
        {
            var key = NewKey();
            await keys.AdminAsync("key", "create", "--uid", keys._uid, "--key-type", "s3", "--access-key", key.Id, "--secret-key", key.Secret);
            keys._unused.Enqueue(key);
        }
        return keys;
    }

    /// <summary>A client with the key that is never handed out (to make and read the bucket).</summary>
    public IAmazonS3 OwnerClient(S3Server server) => new AmazonS3Client(new BasicAWSCredentials(_owner.Id, _owner.Secret),
        new AmazonS3Config { ServiceURL = server.Endpoint, AuthenticationRegion = server.Region, ForcePathStyle = true });

    /// <summary>The next key with a new session token, valid for <paramref name="lifetime"/> from <paramref name="now"/>.</summary>
    public TemporaryCredentials Issue(DateTimeOffset now, TimeSpan lifetime)
    {
        if (!_unused.TryDequeue(out var key)) throw new InvalidOperationException("the test's key pool is used up: more credential exchanges than expected");
        var issued = new TemporaryCredentials(key.Id, key.Secret, "IQoJb3JpZ2luX2VjE" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)), now + lifetime);
        _issued.Enqueue(issued);
        return issued;
    }

    public TemporaryCredentials? ByAccessKey(string id) => _issued.FirstOrDefault(c => c.AccessKeyId == id);

    public void Dispose()
    {
        // Purging removes the user's buckets and objects too; nobody else uses them.
        AdminAsync("user", "rm", "--uid", _uid, "--purge-data").GetAwaiter().GetResult();
    }

    /// <summary>An STS-shaped key id (ASIA + 16) and a 40-character secret.</summary>
    private static (string Id, string Secret) NewKey() =>
        ("ASIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)));

    private async Task AdminAsync(params string[] args)
    {
        var r = await ProcessRunner.RunAsync("radosgw-admin", ["-c", _conf, .. args], timeout: TimeSpan.FromMinutes(1));
        if (r.ExitCode != 0) throw new InvalidOperationException($"radosgw-admin {string.Join(' ', args.Take(2))} failed: {r}");
    }
}
