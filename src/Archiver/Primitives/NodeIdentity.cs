namespace Archiver.Primitives;

/// <summary>This node's Kubernetes name, and whether someone said it (<c>--node</c> or the downward
/// API's <c>NODE_NAME</c>) or it is the host name guessed as a fallback. Node-scoped liveness refuses
/// a guess: a wrong node name would make every pod on this node look gone.</summary>
public sealed record NodeIdentity(string Name, bool IsExplicit);
