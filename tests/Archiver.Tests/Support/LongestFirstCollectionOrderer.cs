using Archiver.Tests.Architecture;
using Archiver.Tests.Hosting;
using Archiver.Tests.Pipeline;
using Archiver.Tests.Restore;
using Archiver.Tests.Stores.S3;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Archiver.Tests.Support.LongestFirstCollectionOrderer", "Archiver.Tests")]

namespace Archiver.Tests.Support;

/// <summary>
/// Starts the test collections that take longest first. xunit runs as many collections at once as
/// the machine has cores (two on CI) and starts them in this order; left to its default order (by
/// collection id) the publish collection (two <c>dotnet publish</c> runs) and the serial
/// <c>s3</c> collection started last and ran alone for minutes at the end. Started first, they run
/// beside the hundreds of short classes. Order only: every test still runs, in the same collection.
/// </summary>
public sealed class LongestFirstCollectionOrderer : ITestCollectionOrderer
{
    /// <summary>Longest first, by the totals of a whole run (per collection, from the trx file of
    /// <c>dotnet test --logger trx</c>). A class without <c>[Collection]</c> is a collection of its own.</summary>
    private static readonly string[] Longest =
    [
        "s3",
        "publish",
        Own<SparseFileTests>(),
        Own<FolderGraphTests>(),
        Own<CrashResumeTests>(),
        Own<AwsWorkloadIdentityFailureTests>(),
        Own<SigtermTests>(),
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ThenBy(c => c.UniqueID);

    private static int Rank(ITestCollection collection)
    {
        var i = Array.FindIndex(Longest, name => collection.DisplayName == name || collection.DisplayName.StartsWith(name + " ", StringComparison.Ordinal));
        return i < 0 ? Longest.Length : i;
    }

    /// <summary>The display name xunit gives the collection of a class without <c>[Collection]</c>.</summary>
    private static string Own<T>() => $"Test collection for {typeof(T).FullName}";
}
