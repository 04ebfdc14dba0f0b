namespace Archiver.Policies;

/// <summary>Every problem with a store URL and its options (empty when usable), without touching the
/// network. Policies are checked against the stores this build knows; the composition root passes
/// <c>StoreFactory.Validate</c>, so this layer does not depend on the store adapters.</summary>
public delegate IEnumerable<string> StoreCheck(StoreSpec store);
