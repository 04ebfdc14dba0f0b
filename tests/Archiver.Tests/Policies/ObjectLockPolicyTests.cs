using Archiver.Composition;
using Archiver.Policies;
using Archiver.Stores.S3;
using Xunit;

namespace Archiver.Tests.Policies;

/// <summary><c>objectLockMode</c>/<c>objectLockFor</c> checked offline: the options themselves, and the
/// lock against <c>retention.remoteFor</c> (the lock must cover the time the policy keeps archives).</summary>
public sealed class ObjectLockPolicyTests
{
    private static List<PolicyProblem> Validate(string store, TimeSpan? remoteFor)
    {
        var problems = new List<PolicyProblem>();
        var policy = new Policy { Name = "p", Root = "/data", Store = new StoreSpec(store), RemoteFor = remoteFor };
        PolicyValidator.Validate(policy, problems, StoreFactory.Validate);
        return problems.Where(p => p.Message.Contains("objectLock", StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public void Validate_LockShorterThanRemoteFor_ErrorNamingBoth()
    {
        var problems = Validate("s3://b/p?region=us-east-1&objectLockMode=COMPLIANCE&objectLockFor=30d", TimeSpan.FromDays(90));

        var p = Assert.Single(problems);
        Assert.False(p.IsWarning);
        Assert.Contains("objectLockFor 30d is shorter than retention.remoteFor 90d", p.Message);
        Assert.Contains("set objectLockFor to at least 90d", p.Message);
    }

    [Fact]
    public void Validate_LockEqualOrLonger_EqualIsCleanLongerWarnsOfKeptArchives()
    {
        Assert.Empty(Validate("s3://b/p?region=us-east-1&objectLockMode=GOVERNANCE&objectLockFor=90d", TimeSpan.FromDays(90)));
        var longer = Assert.Single(Validate("s3://b/p?region=us-east-1&objectLockMode=GOVERNANCE&objectLockFor=365d", TimeSpan.FromDays(90)));
        Assert.True(longer.IsWarning);
        Assert.Contains("prune cannot delete an archive before its lock ends", longer.Message);
        Assert.Empty(Validate("s3://b/p?region=us-east-1&objectLockMode=GOVERNANCE&objectLockFor=30d", null));
    }

    [Fact]
    public void Parse_BadLockOptions_EveryProblemSaysWhatToWrite()
    {
        var problems = new List<string>();
        S3StoreOptions.Parse(S3Flavor.S3, new Uri("s3://b/p"), new Dictionary<string, string> { ["objectLockMode"] = "STRICT" }, _ => null, problems);
        S3StoreOptions.Parse(S3Flavor.S3, new Uri("s3://b/p"), new Dictionary<string, string> { ["objectLockMode"] = "COMPLIANCE", ["objectLockFor"] = "2h" }, _ => null, problems);
        S3StoreOptions.Parse(S3Flavor.Oss, new Uri("oss://b/p"), new Dictionary<string, string> { ["region"] = "cn-hangzhou", ["objectLockMode"] = "COMPLIANCE", ["objectLockFor"] = "2d" }, _ => null, problems);

        Assert.Contains("objectLockMode and objectLockFor go together, e.g. objectLockMode: COMPLIANCE, objectLockFor: 180d", problems);
        Assert.Contains("objectLockMode 'STRICT' must be GOVERNANCE or COMPLIANCE", problems);
        Assert.Contains("objectLockFor '2h' must be a duration of at least 1d (e.g. 180d)", problems);
        Assert.Contains(problems, p => p.StartsWith("objectLockMode/objectLockFor are for s3:// stores", StringComparison.Ordinal));
    }
}
