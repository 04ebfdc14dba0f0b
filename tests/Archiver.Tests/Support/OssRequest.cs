namespace Archiver.Tests.Support;

/// <summary>One request the OSS stand-in received, exactly as it arrived, with the S3 operation it
/// is and, when it was refused, why.</summary>
public sealed record OssRequest(
    string Method,
    string Host,
    string Path,
    string Query,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string Operation,
    OssRefusal? Refusal)
{
    public string? Header(string name) => SigV4.Header(Headers, name);

    public override string ToString() => $"{Method} {Host}{Path}?{Query} {Operation} {(Refusal is { } r ? "REFUSED " + r : "forwarded")}";
}
