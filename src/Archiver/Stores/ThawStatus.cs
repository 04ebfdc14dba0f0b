namespace Archiver.Stores;

/// <summary>Where a thaw (RestoreObject) of an archived object stands.</summary>
public enum ThawState
{
    /// <summary>Not in an archive storage class: readable now, nothing to thaw.</summary>
    NotArchived,
    /// <summary>A thaw was asked for just now.</summary>
    Requested,
    /// <summary>A thaw asked for earlier is still under way.</summary>
    InProgress,
    /// <summary>Thawed: readable until <see cref="ThawStatus.ReadableUntil"/>.</summary>
    Readable,
}

/// <param name="StorageClass">The object's class as the store names it; null when the store did not say.</param>
/// <param name="ReadableUntil">For <see cref="ThawState.Readable"/>: when the thawed copy expires.</param>
/// <param name="Estimate">For a thaw under way: how long the provider says it takes, for people.</param>
public sealed record ThawStatus(string Key, string? StorageClass, ThawState State, DateTimeOffset? ReadableUntil = null, string? Estimate = null)
{
    /// <summary>How long a thawed copy stays readable unless <c>--days</c> says otherwise.</summary>
    public const int DefaultDays = 7;
}
