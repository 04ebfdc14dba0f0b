namespace Archiver.Tests.Support;

/// <summary>An OSS AccessKey ID and secret (the stand-in's own, not the S3 server's).</summary>
public sealed record OssCredentialsPair(string Id, string Secret);
