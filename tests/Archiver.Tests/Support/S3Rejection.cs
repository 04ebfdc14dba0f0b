namespace Archiver.Tests.Support;

/// <summary>An S3 error answer (status, S3 error code, message) for <see cref="S3FaultProxy.Gate"/>.</summary>
public sealed record S3Rejection(int Status, string Code, string Message);
