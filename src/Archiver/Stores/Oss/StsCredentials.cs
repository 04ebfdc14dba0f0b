namespace Archiver.Stores.Oss;

/// <summary>Temporary keys from STS: <c>Credentials.AccessKeyId</c>, <c>AccessKeySecret</c>,
/// <c>SecurityToken</c> and <c>Expiration</c> of an AssumeRoleWithOIDC answer.</summary>
public sealed record StsCredentials(string AccessKeyId, string AccessKeySecret, string SecurityToken, DateTimeOffset Expiration)
{
    /// <summary>Never the secret or the token.</summary>
    public override string ToString() => $"{AccessKeyId} (expires {Expiration:O})";
}
