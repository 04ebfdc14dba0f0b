using Archiver.Tests.Support;
using Xunit.Abstractions;

namespace Archiver.Tests.Architecture;

/// <summary>The source folders form layers: no folder reaches back to one that uses it
/// (docs/architecture.md draws the graph).</summary>
public sealed class FolderGraphTests(ITestOutputHelper output)
{
    [Fact]
    public void SourceFolders_FormAGraphWithoutCycles()
    {
        var graph = FolderGraph.Build(RepoRoot.Combine("src", "Archiver"));

        var cycles = graph.Cycles();

        output.WriteLine(graph.Describe());

        Assert.True(cycles.Count == 0, string.Join("\n", cycles.Select(c =>
            $"these folders reach each other: {string.Join(", ", c)}; arrows among them:\n{graph.Describe(c)}")));
        // The graph is not empty by accident (a broken compilation binds nothing).
        Assert.Contains(("Pipeline", "Journal"), graph.Arrows.Keys);
    }

    [Fact]
    public void Cycles_TwoFoldersUsingEachOther_AreReportedWithTheirArrows()
    {
        var graph = FolderGraph.Build([
            ("A/Alpha.cs", "namespace X.A; public class Alpha { public X.B.Beta? Other; }"),
            ("B/Beta.cs", "namespace X.B; public class Beta { public X.A.Alpha? Other; }"),
            ("C/Gamma.cs", "namespace X.C; public class Gamma { public X.A.Alpha? Used; }"),
        ]);

        var cycle = Assert.Single(graph.Cycles());

        Assert.Equal(["A", "B"], cycle);
        Assert.Contains("A -> B   (Alpha.cs: Beta)", graph.Describe(cycle));
        Assert.Contains(("C", "A"), graph.Arrows.Keys);
    }
}
