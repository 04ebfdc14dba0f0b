namespace Archiver.Tests.Support;

/// <summary>The tests that publish or run <c>deploy/publish.sh</c>'s output: one x64 publish shared,
/// and no two publishes at once.</summary>
[CollectionDefinition("publish")]
public sealed class PublishCollection : ICollectionFixture<PublishedApp>;
