using Archiver.Archives;
using Archiver.Composition;
using Archiver.Policies;
using Archiver.Tests.Support;

namespace Archiver.Tests.Policies;

public class PolicyLoaderTests
{
    private static (Policy? Policy, List<PolicyProblem> Problems) Load(string yaml)
    {
        var problems = new List<PolicyProblem>();
        return (PolicyLoader.Load(yaml, "p.yaml", problems, StoreFactory.Validate), problems);
    }

    [Fact]
    public void Load_MinimalPolicy_FillsSensibleDefaults()
    {
        using var tmp = new TempDir();
        var (p, problems) = Load($"name: web\nroot: {tmp.Path}\nstore: file:///var/archive\n");
        Assert.Empty(problems);
        Assert.Equal("{pod}", p!.Layout);
        Assert.Equal(TimeSpan.FromHours(24), p.IdleFor);
        Assert.Equal(ArchiveFormat.TarGz, p.Format);
        Assert.Equal(AfterUpload.Delete, p.AfterUpload);
        Assert.Equal("kubernetes", p.Liveness.Source);
        Assert.Equal(Path.Combine(tmp.Path, ".archiver", "web"), p.StateDirectory);
    }

    [Theory]
    [InlineData("tar.gz", ".tar.gz")]
    [InlineData("tar.zst", ".tar.zst")]
    public void Load_FormatWithoutKey_TheDefaultKeyEndsWithTheFormatsExtension(string format, string extension)
    {
        using var tmp = new TempDir();
        var (p, problems) = Load($"name: web\nroot: {tmp.Path}\nstore: file:///var/archive\nformat: {format}\n");
        Assert.Empty(problems);
        Assert.EndsWith("{dir}-{timestamp}" + extension, p!.Key, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManyMistakes_ReportsEveryOneWithItsLine()
    {
        var (_, problems) = Load("""
            name: web
            root: /etc
            idleFor: 5 minutes
            schedule: "*/15 * *"
            retension: 3d
            format: zip
            level: 99
            store: ftp://host/x
            key: "{cluster}/{pod}.tar.gz"
            """);
        var errors = problems.Where(p => !p.IsWarning).Select(p => p.ToString()).ToList();
        Assert.Contains(errors, e => e.StartsWith("p.yaml:2:", StringComparison.Ordinal) && e.Contains("system directory"));
        Assert.Contains(errors, e => e.StartsWith("p.yaml:3:", StringComparison.Ordinal) && e.Contains("not a duration"));
        Assert.Contains(errors, e => e.StartsWith("p.yaml:4:", StringComparison.Ordinal) && e.Contains("fields"));
        Assert.Contains(errors, e => e.StartsWith("p.yaml:5:", StringComparison.Ordinal) && e.Contains("unknown field 'retension'"));
        Assert.Contains(errors, e => e.StartsWith("p.yaml:6:", StringComparison.Ordinal) && e.Contains("tar.gz, tar.zst"));
        Assert.Contains(errors, e => e.StartsWith("p.yaml:7:", StringComparison.Ordinal) && e.Contains("1 to 22"));
        Assert.Contains(errors, e => e.StartsWith("p.yaml:8:", StringComparison.Ordinal) && e.Contains("unknown scheme"));
        Assert.Contains(errors, e => e.StartsWith("p.yaml:9:", StringComparison.Ordinal) && e.Contains("{dir} and {timestamp}"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/etc")]
    [InlineData("/var/lib/kubelet")]
    [InlineData("/var/lib/kubelet/pods")]
    [InlineData("/usr/local")]
    [InlineData("/var")]
    public void Load_SystemRoot_IsRefusedUnlessAllowed(string root)
    {
        var (_, problems) = Load($"root: {root}\nstore: file:///tmp/a\n");
        Assert.Contains(problems, p => !p.IsWarning && p.Message.Contains("system directory"));
        var (_, allowed) = Load($"root: {root}\nstore: file:///tmp/a\nallowSystemRoot: true\n");
        Assert.DoesNotContain(allowed, p => !p.IsWarning && p.Message.Contains("system directory"));
    }

    [Fact]
    public void Load_MissingRootAndStore_SaysWhatToSet()
    {
        var (_, problems) = Load("name: web\n");
        Assert.Contains(problems, p => p.Message.StartsWith("root is missing", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.StartsWith("store is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_BrokenYaml_NamesTheLine()
    {
        var (p, problems) = Load("root: /data\nstore: [unclosed\nname: x\n");
        Assert.Null(p);
        Assert.Single(problems);
        Assert.True(problems[0].Line >= 2, problems[0].ToString());
    }

    [Fact]
    public void Load_TypoInFieldName_SuggestsTheRightOne()
    {
        var (_, problems) = Load("root: /data\nstore: file:///x\nidlefor: 3d\n");
        Assert.Contains(problems, p => p.Message.Contains("did you mean 'idleFor'"));
    }

    [Fact]
    public void Load_StoreMappingAndLivenessMapping_AreRead()
    {
        using var tmp = new TempDir();
        var (p, problems) = Load($"""
            root: {tmp.Path}
            store:
              url: file:///var/archive
            liveness:
              source: static
              file: {tmp["pods.txt"]}
            exclude: ["*.tmp", "cache/**"]
            """);
        Assert.DoesNotContain(problems, x => !x.IsWarning);
        Assert.Equal("file:///var/archive", p!.Store.Url);
        Assert.Equal("static", p.Liveness.Source);
        Assert.Equal(["*.tmp", "cache/**"], p.Exclude);
    }
}
