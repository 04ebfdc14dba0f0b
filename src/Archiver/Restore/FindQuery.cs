using Archiver.Layouts;

namespace Archiver.Restore;

/// <summary>What <c>archiver find</c> looks for: entries matching <see cref="Globs"/> in archives made
/// in <c>[Since, Until]</c>, of <see cref="Pod"/> (its name or its directory's) that ran on <see cref="Node"/>.
/// <see cref="Keys"/> reads node, pod and time from keys, so most archives are dropped unread.</summary>
public sealed record FindQuery(IReadOnlyList<string> Globs, KeyPattern Keys, string? Pod = null, string? Node = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null)
{
    public bool InTime(DateTimeOffset t) => (Since is not { } s || t >= s) && (Until is not { } u || t <= u);
}
