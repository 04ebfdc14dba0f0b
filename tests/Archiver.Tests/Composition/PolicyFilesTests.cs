using Archiver.Composition;
using Archiver.Tests.Support;

namespace Archiver.Tests.Composition;

public class PolicyFilesTests
{
    [Fact]
    public void LoadValid_StoreWithAnUnknownScheme_ThrowsNamingTheFileAndWhatToUse()
    {
        using var tmp = new TempDir("policy");
        File.WriteAllText(tmp["p.yaml"], $"name: p\nroot: {tmp.Sub("data")}\nstore: ftp://host/x\nliveness: none\nidleFor: 1h\nschedule: \"0 3 * * *\"\n");

        var e = Assert.Throws<ConfigurationException>(() => PolicyFiles.LoadValid(tmp["p.yaml"]));

        var problem = Assert.Single(e.Problems);
        Assert.Equal(tmp["p.yaml"], problem.Source);
        Assert.Contains("unknown scheme; use one of file://, s3://, oss://", problem.Message);
    }

    [Fact]
    public void Load_ValidFile_ReturnsThePolicyWithItsStoreAndNoProblem()
    {
        using var tmp = new TempDir("policy");
        File.WriteAllText(tmp["p.yaml"], $"name: p\nroot: {tmp.Sub("data")}\nstore: s3://bucket/pods?region=eu-west-1\nliveness: none\nidleFor: 1h\nschedule: \"0 3 * * *\"\n");
        var problems = new List<PolicyProblem>();

        var policy = PolicyFiles.Load(tmp["p.yaml"], problems);

        Assert.DoesNotContain(problems, p => !p.IsWarning);
        Assert.Equal("s3://bucket/pods?region=eu-west-1", policy!.Store.Url);
    }
}
