namespace Archiver.Tests.Support;

/// <summary>One request the fake API received.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string? Body, string? Authorization);
