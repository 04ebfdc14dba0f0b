namespace Archiver.Tests.Support;

/// <summary>The <c>export NAME="VALUE"</c> lines the test servers' start scripts write to DIR/env.</summary>
public static class EnvFile
{
    public static Dictionary<string, string> Read(string path) =>
        File.ReadAllLines(path)
            .Select(l => l.StartsWith("export ", StringComparison.Ordinal) ? l[7..] : l)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim().Trim('"').Replace("\\\"", "\"").Replace("\\$", "$").Replace("\\\\", "\\"));
}
