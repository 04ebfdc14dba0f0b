namespace Archiver.Tests.Support.Deploy;

/// <summary>
/// Renders deploy/helm/archiver as <c>helm template</c> does, with tests/helm-render (Go's
/// text/template and sprig, the two pieces helm's engine is made of, from Debian's packages: no helm
/// binary is served here). tests/run.sh builds it to tests/helm-render/helm-render.
/// </summary>
public static class Chart
{
    public static readonly string Directory = RepoRoot.Combine("deploy", "helm", "archiver");

    private static readonly string Renderer = RepoRoot.Combine("tests", "helm-render", "helm-render");

    /// <summary>The rendered YAML, or the renderer's failure (exit code and message).</summary>
    public static async Task<ProcessRunner.Result> TryRenderAsync(string release = "archiver", string ns = "archiver", string? valuesYaml = null, params string[] set)
    {
        Xunit.Assert.True(File.Exists(Renderer), $"{Renderer} is not built: run tests/run.sh, or GO111MODULE=off GOPATH=/usr/share/gocode go build -o tests/helm-render/helm-render ./tests/helm-render");
        using var tmp = new TempDir("chart");
        var args = new List<string> { Directory, "--name", release, "--namespace", ns };
        if (valuesYaml is not null)
        {
            File.WriteAllText(tmp["values.yaml"], valuesYaml);
            args.AddRange(["-f", tmp["values.yaml"]]);
        }
        foreach (var s in set) args.AddRange(["--set", s]);
        return await ProcessRunner.RunAsync(Renderer, args);
    }

    public static async Task<string> RenderAsync(string release = "archiver", string ns = "archiver", string? valuesYaml = null, params string[] set)
    {
        var r = await TryRenderAsync(release, ns, valuesYaml, set);
        Xunit.Assert.True(r.ExitCode == 0, r.ToString());
        return r.Out;
    }

    /// <summary>What <c>kubectl kustomize DIR</c> prints, DIR relative to the repository.</summary>
    public static async Task<string> KustomizeAsync(string dir)
    {
        var r = await ProcessRunner.RunAsync("kubectl", ["kustomize", dir]);
        Xunit.Assert.True(r.ExitCode == 0, r.ToString());
        return r.Out;
    }
}
