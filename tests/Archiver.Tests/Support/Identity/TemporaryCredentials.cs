namespace Archiver.Tests.Support.Identity;

/// <summary>One set of temporary credentials a stand-in handed out, as STS or the EKS Pod Identity
/// agent would: key id, secret, session token, expiry.</summary>
public sealed record TemporaryCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration);
