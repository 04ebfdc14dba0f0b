using System.Text.RegularExpressions;
using Archiver.Cli;
using Archiver.Tests.Support;

namespace Archiver.Tests.Cli;

/// <summary>
/// Every command's <c>--help</c> lists exactly the flags its parser accepts. Both sides are observed
/// from outside, through the real entry point: the flags in the help's option rows, and which flags
/// a run refuses as unknown. Each probe also carries an unknown flag, so every run stops at the
/// usage check and touches nothing.
/// </summary>
public partial class HelpListsEveryFlagTests
{
    private const string Probe = "--zz-probe";

    public static TheoryData<string> CommandNames => [.. Program.Commands(TimeProvider.System).Select(c => c.Name)];

    /// <summary>An option row of --help: two spaces, then the names ("--help, -h") and maybe a value.</summary>
    [GeneratedRegex(@"^  (?<names>-[a-z-]+(?:, -[a-z-]+)*)(?: |$)", RegexOptions.Multiline)]
    private static partial Regex OptionRow();

    private static async Task<HashSet<string>> HelpFlagsAsync(string command)
    {
        var help = await CliRunner.RunAsync([.. command.Split(' '), "--help"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        return OptionRow().Matches(help.Out).SelectMany(m => m.Groups["names"].Value.Split(", ")).ToHashSet();
    }

    /// <summary>Every flag any command's help shows, plus a few no command has.</summary>
    private static async Task<HashSet<string>> CandidatesAsync()
    {
        var all = new HashSet<string> { "--frobnicate", "--verbose", "--quiet", "-q", "--root-dir" };
        foreach (var c in Program.Commands(TimeProvider.System)) all.UnionWith(await HelpFlagsAsync(c.Name));
        return all;
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public async Task Help_ListsEveryFlagTheParserAccepts_AndNoOther(string command)
    {
        var listed = await HelpFlagsAsync(command);
        var accepted = new HashSet<string>();
        foreach (var flag in (await CandidatesAsync()).Where(f => f is not ("--help" or "-h")))
        {
            var r = await CliRunner.RunAsync([.. command.Split(' '), flag, Probe]);
            Assert.True(r.ExitCode == 2, $"{command} {flag} {Probe}: {r}");
            Assert.Contains($"unknown option {Probe}", r.Error);
            if (!r.Error.Contains($"unknown option {flag};", StringComparison.Ordinal)) accepted.Add(flag);
        }
        accepted.UnionWith(["--help", "-h"]);

        Assert.Equal(listed.Order(StringComparer.Ordinal), accepted.Order(StringComparer.Ordinal));
        foreach (var global in GlobalOptions.All.SelectMany(o => o.Names)) Assert.Contains(global, listed);
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public async Task MistypedFlag_ExitsTwoAndSuggestsTheFlagMeant(string command)
    {
        foreach (var flag in (await HelpFlagsAsync(command)).Where(f => f.StartsWith("--", StringComparison.Ordinal)))
        {
            var typo = flag[..3] + flag[2..];   // --json -> --jjson
            var r = await CliRunner.RunAsync([.. command.Split(' '), typo]);
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains($"unknown option {typo}; did you mean {flag}?", r.Error);
            Assert.DoesNotContain("   at ", r.Error);
        }
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Declarations_EveryDefaultPassesItsOwnCheck_AndNamesAreUnique(string command)
    {
        var c = Program.Commands(TimeProvider.System).Single(x => x.Name == command);
        var names = c.Options.Concat(GlobalOptions.All).SelectMany(o => o.Names).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
        foreach (var o in c.Options.Where(o => o.Default is not null))
            Assert.True(o.Problem(o.Default!) is null, $"{command} {o.Name}: default '{o.Default}' is refused: {o.Problem(o.Default!)}");
    }
}
