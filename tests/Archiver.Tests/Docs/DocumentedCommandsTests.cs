using System.Text.RegularExpressions;
using Archiver.Cli;
using Archiver.Tests.Support;

namespace Archiver.Tests.Docs;

/// <summary>
/// Every <c>archiver COMMAND --flag</c> the docs show (in code blocks and inline code of README.md,
/// docs/*.md and deploy/*.md; also as <c>archiver.dll COMMAND</c>, <c>$A COMMAND</c> and
/// <c>dotnet run --project src/Archiver -- COMMAND</c>) names a command and flags the parser has, and
/// every Markdown code fence closes.
/// </summary>
public partial class DocumentedCommandsTests
{
    [GeneratedRegex(@"(?:\barchiver(?:\.dll)?|\$A|src/Archiver --) +(?<rest>[a-z][^|;`]*)")]
    private static partial Regex Invocation();

    [GeneratedRegex(@"(?<![\w-])(?<flag>--?[a-z][a-z-]*)")]
    private static partial Regex Flag();

    [GeneratedRegex("`([^`\n]+)`")]
    private static partial Regex InlineCode();

    public static IEnumerable<string> Pages() =>
        new[] { RepoRoot.Combine("README.md") }
            .Concat(Directory.EnumerateFiles(RepoRoot.Combine("docs"), "*.md"))
            .Concat(Directory.EnumerateFiles(RepoRoot.Combine("deploy"), "*.md"))
            .Order(StringComparer.Ordinal);

    /// <summary>The code of a page, line by line with its line number: fenced blocks whole, inline code spans.</summary>
    private static IEnumerable<(int Line, string Code)> CodeOf(string page)
    {
        var inFence = false;
        var n = 0;
        foreach (var line in File.ReadLines(page))
        {
            n++;
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }
            if (inFence) yield return (n, line);
            else
            {
                foreach (Match m in InlineCode().Matches(line)) yield return (n, m.Groups[1].Value);
            }
        }
    }

    [Fact]
    public void EveryDocumentedInvocation_UsesACommandAndFlagsTheParserHas()
    {
        var commands = Program.Commands(TimeProvider.System).OrderByDescending(c => c.Name.Length).ToList();
        var global = GlobalOptions.All.SelectMany(o => o.Names).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        var checkedInvocations = 0;
        foreach (var page in Pages())
        {
            foreach (var (line, code) in CodeOf(page))
            {
                foreach (Match m in Invocation().Matches(code))
                {
                    var rest = m.Groups["rest"].Value;
                    var command = commands.FirstOrDefault(c => rest == c.Name || rest.StartsWith(c.Name + " ", StringComparison.Ordinal));
                    if (command is null)
                    {
                        // A command line that starts with the program names a command; elsewhere
                        // "archiver" is a namespace or object name ("kubectl -n archiver exec").
                        if (m.Value.StartsWith("archiver.dll", StringComparison.Ordinal) || m.Value.StartsWith('$') || m.Value.StartsWith("src/", StringComparison.Ordinal) || code.TrimStart().StartsWith(m.Value, StringComparison.Ordinal))
                            problems.Add($"{Path.GetRelativePath(RepoRoot.Path, page)}:{line}: `{m.Value.Trim()}` names no archiver command ({code.Trim()})");
                        continue;
                    }
                    checkedInvocations++;
                    var accepted = command.Options.SelectMany(o => o.Names).Concat(global).ToHashSet(StringComparer.Ordinal);
                    // Flags up to the next program or a comment on the line (a pipe, ;, && end the match already).
                    var args = Regex.Split(rest[command.Name.Length..], @"\s(?:\||&&|>|2>|#)\s")[0];
                    foreach (Match f in Flag().Matches(args))
                    {
                        if (!accepted.Contains(f.Groups["flag"].Value))
                            problems.Add($"{Path.GetRelativePath(RepoRoot.Path, page)}:{line}: `archiver {command.Name}` has no flag {f.Groups["flag"].Value} ({code.Trim()})");
                    }
                }
            }
        }
        Assert.True(checkedInvocations > 50, $"only {checkedInvocations} invocations found: is the extraction broken?");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryCommand_IsInTheReadmeTable()
    {
        var readme = File.ReadAllText(RepoRoot.Combine("README.md"));
        foreach (var c in Program.Commands(TimeProvider.System))
            Assert.True(readme.Contains($"| `archiver {c.Name}", StringComparison.Ordinal), $"README.md's command table has no row for archiver {c.Name}");
    }

    [Theory]
    [MemberData(nameof(PageNames))]
    public void EveryCodeFence_Closes(string page)
    {
        var open = 0;
        var n = 0;
        foreach (var line in File.ReadLines(RepoRoot.Combine(page)))
        {
            n++;
            var t = line.TrimStart();
            if (!t.StartsWith("```", StringComparison.Ordinal)) continue;
            if (open == 0) open = n;
            else if (t.TrimEnd() == "```") open = 0;
            else Assert.Fail($"{page}:{n}: a fence opens while the one from line {open} is still open (a closing fence is backticks alone)");
        }
        Assert.True(open == 0, $"{page}: the code fence opened at line {open} never closes");
    }

    public static TheoryData<string> PageNames => [.. Pages().Select(p => Path.GetRelativePath(RepoRoot.Path, p))];
}
