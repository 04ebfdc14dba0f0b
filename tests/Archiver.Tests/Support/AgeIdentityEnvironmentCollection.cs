namespace Archiver.Tests.Support;

/// <summary>The in-process CLI tests that set <c>ARCHIVER_AGE_IDENTITY_FILE</c> and those that need it
/// unset (an encrypted archive without an identity): the variable is process-wide, so they run one
/// at a time.</summary>
[CollectionDefinition("age identity environment")]
public sealed class AgeIdentityEnvironmentCollection;
