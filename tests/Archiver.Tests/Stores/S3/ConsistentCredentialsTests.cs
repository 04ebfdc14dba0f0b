using Amazon.Runtime;
using Archiver.Stores.S3;

namespace Archiver.Tests.Stores.S3;

/// <summary>
/// AWSSDK.Core 4 asks the credentials twice for one request (Signer.SignRequestAsync in
/// sdk/src/Core/Amazon.Runtime/Pipeline/Handlers/Signer.cs: GetCredentialsAsync for the
/// X-Amz-Security-Token header, then the SigV4 signer asks the identity again). A source that refreshes
/// in between (the SDK's own background refresh in the preemptive-expiry window) made requests signed
/// with the new key carrying the old token: 400 InvalidToken from S3. Seen end to end in
/// <see cref="AwsWorkloadIdentityTests"/>; here the mechanism, with a source that changes on every ask.
/// </summary>
public sealed class ConsistentCredentialsTests
{
    [Fact]
    public async Task BothAsksOfOneRequest_GetOneKeyAndItsToken_WhileTheSourceRefreshesOnEveryAsk()
    {
        var source = new RefreshingOnEveryAsk();
        var credentials = new ConsistentCredentials(source);

        var requests = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => SignAsync(credentials))));

        Assert.All(requests, r => Assert.Same(r.ForToken, r.ForSignature));
        Assert.All(requests, r => Assert.Equal("token-of-" + r.ForSignature.AccessKey, r.ForToken.Token));
    }

    [Fact]
    public async Task ANewRequest_GetsTheSourcesNewAnswer()
    {
        var source = new RefreshingOnEveryAsk();
        var credentials = new ConsistentCredentials(source);

        var first = await Task.Run(() => SignAsync(credentials));
        var later = await Task.Run(() => SignAsync(credentials));

        Assert.NotEqual(first.ForSignature.AccessKey, later.ForSignature.AccessKey);
        Assert.Same(later.ForToken, later.ForSignature);
    }

    [Fact]
    public void SyncAsks_OfOneFlow_AlsoAgree()
    {
        var credentials = new ConsistentCredentials(new RefreshingOnEveryAsk());

        var (a, b) = (credentials.GetCredentials(), credentials.GetCredentials());

        Assert.Same(a, b);
    }

    /// <summary>What the SDK's signing does: an async method asks once for the token header, then
    /// (in the signer, further down the same flow) once more for the key.</summary>
    private static async Task<(ImmutableCredentials ForToken, ImmutableCredentials ForSignature)> SignAsync(AWSCredentials identity)
    {
        var forToken = await identity.GetCredentialsAsync();
        await Task.Yield();
        var forSignature = await SignerAsync(identity);
        return (forToken, forSignature);
    }

    private static async Task<ImmutableCredentials> SignerAsync(AWSCredentials identity)
    {
        await Task.Yield();
        return await identity.GetCredentialsAsync();
    }

    /// <summary>A new key and token on every ask; some asks complete at once (cached by the SDK), some
    /// after a fetch.</summary>
    private sealed class RefreshingOnEveryAsk : AWSCredentials
    {
        private int _generation;

        public override ImmutableCredentials GetCredentials() => Next();

        public override async Task<ImmutableCredentials> GetCredentialsAsync()
        {
            var next = Next();
            if (next.AccessKey.EndsWith('0')) await Task.Delay(5);
            return next;
        }

        private ImmutableCredentials Next()
        {
            var key = $"ASIA{Interlocked.Increment(ref _generation):D16}";
            return new ImmutableCredentials(key, "secret-of-" + key, "token-of-" + key);
        }
    }
}
