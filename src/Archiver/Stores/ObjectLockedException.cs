namespace Archiver.Stores;

/// <summary>A delete the store refused because S3 Object Lock keeps the object (a retention date not
/// reached yet, or a legal hold). Not a failure: callers count it as a skip and try again after
/// <see cref="LockedUntil"/>.</summary>
public sealed class ObjectLockedException(string key, string location, DateTimeOffset? lockedUntil, Exception? inner = null)
    : StoreException(lockedUntil is { } until
        ? $"{key} in {location} is kept by object lock until {until:yyyy-MM-dd HH:mm:ss}Z; it can be deleted after that"
        : $"{key} in {location} is kept by an object lock legal hold; it can be deleted once the hold is removed", inner)
{
    public string Key { get; } = key;

    /// <summary>When the lock's retention ends; null for a legal hold, which has no end date.</summary>
    public DateTimeOffset? LockedUntil { get; } = lockedUntil;
}
