namespace Archiver.Tests.Support;

/// <summary>What the OSS stand-in answered instead of forwarding: the status and error code OSS
/// documents for the rule, and which rule it was (for test messages).</summary>
public sealed record OssRefusal(int Status, string Code, string Message, string Rule, string? Ec = null)
{
    public override string ToString() => $"{Status} {Code} ({Rule})";
}
