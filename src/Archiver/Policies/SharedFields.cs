namespace Archiver.Policies;

/// <summary>The policy fields that flags override (<c>sweep</c>/<c>archive --concurrency</c>).</summary>
public static class SharedFields
{
    public static readonly IntField Concurrency = new("concurrency", new IntRange(1, 64), Default: 2);
}
