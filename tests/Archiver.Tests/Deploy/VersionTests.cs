using System.Text.RegularExpressions;
using Archiver.Tests.Support;

namespace Archiver.Tests.Deploy;

/// <summary>One version, set in Directory.Build.props: <c>archiver --version</c>, the image the
/// manifests pull, the chart's version and appVersion, the version label, and every version the
/// docs show in an image tag or <c>--version</c> line are that one.</summary>
public partial class VersionTests
{
    [GeneratedRegex(@"<Version>(\d+\.\d+\.\d+)</Version>")]
    private static partial Regex PropsVersion();

    [GeneratedRegex(@"(?:archiver:|archiver |newTag: ""?|tag: ""|appVersion: ""|^version: |app\.kubernetes\.io/version: ""?)(\d+\.\d+\.\d+)", RegexOptions.Multiline)]
    private static partial Regex ShownVersion();

    private static string TheVersion() => PropsVersion().Match(File.ReadAllText(RepoRoot.Combine("Directory.Build.props"))).Groups[1].Value;

    [Fact]
    public async Task VersionFlag_PrintsTheOneVersion()
    {
        var r = await CliRunner.RunAsync("--version");

        Assert.StartsWith($"archiver {TheVersion()}+", r.Out);
    }

    [Fact]
    public void EveryVersionShown_IsTheOneVersion()
    {
        var version = TheVersion();
        var files = new[] { "README.md", "deploy/daemonset/daemonset.yaml", "deploy/daemonset/kustomization.yaml", "deploy/monitoring/kustomization.yaml",
                "deploy/helm/archiver/Chart.yaml", "deploy/helm/archiver/values.yaml", "Dockerfile" }
            .Select(f => RepoRoot.Combine(f.Split('/')))
            .Concat(Directory.EnumerateFiles(RepoRoot.Combine("docs"), "*.md"))
            .Concat(Directory.EnumerateFiles(RepoRoot.Combine("deploy"), "*.md"));
        var seen = 0;
        foreach (var file in files)
        {
            foreach (Match m in ShownVersion().Matches(File.ReadAllText(file)))
            {
                seen++;
                Assert.True(m.Groups[1].Value == version, $"{Path.GetRelativePath(RepoRoot.Path, file)} shows {m.Value}, the version is {version} (Directory.Build.props)");
            }
        }
        Assert.True(seen >= 6, $"only {seen} versions found: is the pattern broken?");
    }
}
