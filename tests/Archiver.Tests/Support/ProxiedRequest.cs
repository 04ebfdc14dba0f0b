namespace Archiver.Tests.Support;

/// <summary>One request the proxy saw: what it was, its headers, and what the proxy did with it.</summary>
public sealed record ProxiedRequest(string Method, string Path, string Query, TimeSpan At, S3Fault? Fault, IReadOnlyDictionary<string, string>? Headers = null)
{
    public bool IsUploadPart => Method == "PUT" && Query.Contains("partNumber=", StringComparison.Ordinal);
    public bool IsGetObject => Method == "GET" && Query.Length == 0 && Path.Count(c => c == '/') >= 2;
    public string? PartNumber => Query.Split('&').FirstOrDefault(q => q.StartsWith("partNumber=", StringComparison.Ordinal))?[11..];
    public override string ToString() => $"{At.TotalSeconds:F2}s {Method} {Path}?{Query} {(Fault is { } f ? f.ToString() : "forwarded")}";
}
