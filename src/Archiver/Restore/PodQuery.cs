namespace Archiver.Restore;

/// <summary>Which pod's archive to restore, and no later than when.</summary>
public sealed record PodQuery(string Pod, string? Namespace, string? Node, DateTimeOffset? At);
