namespace Archiver.Layouts;

/// <summary>
/// The pod a directory belongs to, as its name says. <see cref="Incarnation"/> is the
/// <c>-&lt;unix-seconds&gt;</c> suffix apps add when <c>/data/&lt;pod&gt;</c> already exists; such a
/// directory belongs to the pod named <see cref="BaseName"/>.
/// </summary>
public sealed record PodRef(string? Namespace, string Name, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>The pod name without the incarnation suffix (equal to <see cref="Name"/> when there is none).</summary>
    public string BaseName { get; init; } = Name;

    /// <summary>Unix seconds of the incarnation suffix; 0 for the original, unsuffixed directory.</summary>
    public long Incarnation { get; init; }

    public string Display => Namespace is null ? Name : $"{Namespace}/{Name}";
}
