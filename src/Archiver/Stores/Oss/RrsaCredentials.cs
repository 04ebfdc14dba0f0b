using Amazon.Runtime;
using Serilog;

namespace Archiver.Stores.Oss;

/// <summary>
/// Temporary OSS keys for an RRSA pod: the OIDC token file exchanged at STS
/// (<see cref="AlibabaStsClient"/>) for an AccessKeyId, AccessKeySecret and SecurityToken, which
/// AWSSDK.S3 signs with (sending the token as <c>x-amz-security-token</c>, as OSS's S3-compatible
/// API expects). One object per store, so one exchange per store, not per request: the keys are
/// kept and renewed once two thirds of their lifetime has passed (40 minutes of STS's default
/// hour), and in any case 5 minutes before <c>Expiration</c>, re-reading the token file each time
/// (the kubelet rotates it). When a renewal fails while the keys still have over a minute left,
/// they go on being used and the renewal is tried again 30 seconds later; after that, every
/// request fails with STS's error (fail closed: nothing is uploaded, so nothing is deleted).
/// Times come from the injected clock.
/// </summary>
public sealed class RrsaCredentials(RrsaSettings settings, TimeProvider clock) : AWSCredentials
{
    public static readonly TimeSpan RenewBeforeExpiry = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private static readonly ILogger Log = Serilog.Log.ForContext<RrsaCredentials>();

    /// <summary>Shared by every store: STS calls are rare, connections are pooled.</summary>
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };

    private readonly AlibabaStsClient _sts = new(settings, Http, clock);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Held? _held;
    private DateTimeOffset _nextTry;

    public RrsaSettings Settings => settings;

    public override ImmutableCredentials GetCredentials() => GetCredentialsAsync().GetAwaiter().GetResult();

    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        if (Volatile.Read(ref _held) is { } held && clock.GetUtcNow() < held.RenewAt) return held.Immutable;
        await _gate.WaitAsync();
        try
        {
            var now = clock.GetUtcNow();
            held = _held;
            if (held is not null && (now < held.RenewAt || (now < _nextTry && held.UsableAt(now)))) return held.Immutable;
            try
            {
                var fresh = await _sts.AssumeRoleWithOidcAsync(ReadToken(), CancellationToken.None);
                var renewAt = RenewalTime(now, fresh.Expiration);
                Volatile.Write(ref _held, new Held(fresh, renewAt));
                Log.Information("Exchanged the OIDC token for role {RoleArn} at {StsEndpoint}: temporary key {AccessKeyId}, expires {Expiration:O}, renewed from {RenewAt:O}",
                    settings.RoleArn, settings.StsEndpoint.Host, fresh.AccessKeyId, fresh.Expiration, renewAt);
                return _held!.Immutable;
            }
            catch (StoreException e) when (held is not null && held.UsableAt(now))
            {
                _nextTry = now + RetryAfterFailure;
                Log.Warning("Could not renew the RRSA credentials for role {RoleArn}: {Message}; the current ones are valid until {Expiration:O}, trying again in {Retry}",
                    settings.RoleArn, e.Message, held.Credentials.Expiration, RetryAfterFailure);
                return held.Immutable;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Two thirds into the lifetime, and no later than <see cref="RenewBeforeExpiry"/>
    /// before expiry (never before half of it, for lifetimes under 15 minutes).</summary>
    public static DateTimeOffset RenewalTime(DateTimeOffset issued, DateTimeOffset expiration)
    {
        var lifetime = expiration - issued;
        var at = TimeSpan.FromTicks(Math.Min(lifetime.Ticks * 2 / 3, (lifetime - RenewBeforeExpiry).Ticks));
        return issued + TimeSpan.FromTicks(Math.Max(at.Ticks, lifetime.Ticks / 2));
    }

    /// <summary>The token, read afresh: the kubelet replaces the file before the token expires.</summary>
    private string ReadToken() => TokenFile.Read(settings.TokenFile, "OIDC token file", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "RRSA token volume");

    private sealed record Held(StsCredentials Credentials, DateTimeOffset RenewAt)
    {
        public ImmutableCredentials Immutable { get; } = new(Credentials.AccessKeyId, Credentials.AccessKeySecret, Credentials.SecurityToken);

        public bool UsableAt(DateTimeOffset now) => now < Credentials.Expiration - ExpiryMargin;
    }
}
