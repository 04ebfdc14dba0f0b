using Amazon.S3;
using Amazon.S3.Model;

namespace Archiver.Tests.Support.Identity;

/// <summary>
/// A fresh radosgw bucket reached through a proxy with <see cref="SessionTokenGate"/> in front, so
/// only the temporary keys issued from <see cref="Keys"/> get through, each with its own session
/// token; the bucket's owner reads what arrived.
/// </summary>
public sealed class GatedBucket : IDisposable
{
    private readonly IAmazonS3 _owner;

    private GatedBucket(RgwTemporaryKeys keys, IAmazonS3 owner, S3FaultProxy proxy, string name) =>
        (Keys, _owner, Proxy, Name) = (keys, owner, proxy, name);

    public RgwTemporaryKeys Keys { get; }

    public S3FaultProxy Proxy { get; }

    public string Name { get; }

    /// <summary>A bucket named <paramref name="prefix"/>-RANDOM, with <paramref name="keys"/> temporary keys to issue.</summary>
    public static async Task<GatedBucket> CreateAsync(S3Server server, string prefix, int keys, TimeProvider clock)
    {
        var issued = await RgwTemporaryKeys.CreateAsync(server, keys);
        var owner = issued.OwnerClient(server);
        var name = $"{prefix}-{Guid.NewGuid():N}"[..30];
        await owner.PutBucketAsync(name);
        var proxy = new S3FaultProxy(server.Endpoint);
        proxy.Gate = new SessionTokenGate(issued, clock).Check;
        return new GatedBucket(issued, owner, proxy, name);
    }

    public async Task<List<S3Object>> ObjectsAsync() =>
        (await _owner.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Name })).S3Objects ?? [];

    /// <summary>Every request passed the gate and carried the session token of the key that signed it.</summary>
    public void AssertEveryRequestCarriedItsKeysToken()
    {
        Assert.All(Proxy.Requests, r => Assert.Null(r.Fault));
        Assert.All(Proxy.Requests, r => Assert.Equal(Keys.ByAccessKey(SessionTokenGate.KeyIdOf(r)!)!.SessionToken, r.Headers!["X-Amz-Security-Token"]));
    }

    public void Dispose()
    {
        Proxy.Dispose();
        _owner.Dispose();
        Keys.Dispose();
    }
}
