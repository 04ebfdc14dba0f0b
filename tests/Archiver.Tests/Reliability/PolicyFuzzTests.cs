using Archiver.Composition;
using Archiver.Policies;

namespace Archiver.Tests.Reliability;

/// <summary>Whatever bytes a policy file holds, loading it either gives a policy or a list of
/// problems with lines: it never throws, hangs or accepts something unsafe.</summary>
public class PolicyFuzzTests
{
    private const string Valid = """
        name: web
        root: /data
        layout: "{namespace}_{pod}_{podip}_{nodeip}_{node}"
        idleFor: 24h
        schedule: "*/15 * * * *"
        liveness: {source: static, file: /etc/pods.txt}
        store: {url: "file:///var/archive"}
        key: "{cluster}/{node}/{namespace}/{pod}/{dir}-{timestamp}.tar.gz"
        exclude: ["*.tmp"]
        concurrency: 2
        """;

    private static readonly string Alphabet = ":{}[]\"'\n\t -&*!%|>#,?@`0123456789abz\\/.{}$^()";

    [Fact]
    public void Load_TwoThousandMutants_NeverThrows()
    {
        var rng = new Random(20261123);
        for (var i = 0; i < 2000; i++)
        {
            var text = Mutate(Valid, rng, rng.Next(1, 8));
            var problems = new List<PolicyProblem>();
            var policy = PolicyLoader.Load(text, "fuzz.yaml", problems, StoreFactory.Validate);
            Assert.True(policy is not null || problems.Count > 0, text);
            if (policy is not null && problems.All(p => p.IsWarning))
            {
                // Whatever got through is safe: a relative key with {dir} and {timestamp}, an absolute non-system root.
                Assert.Contains("{dir}", policy.Key);
                Assert.Contains("{timestamp}", policy.Key);
                Assert.True(Path.IsPathFullyQualified(policy.Root), text);
                Assert.Null(SystemRoots.WhyDangerous(policy.Root));
            }
        }
    }

    [Theory]
    [InlineData("level: 99999999999999999999999")]
    [InlineData("concurrency: 1000000000")]
    [InlineData("idleFor: 99999999999d")]
    [InlineData("root: 12")]
    [InlineData("exclude: 5")]
    [InlineData("store: [1, 2]")]
    [InlineData("name: [a]")]
    public void Load_WrongTypesAndHugeValues_AreProblemsNotCrashes(string line)
    {
        var problems = new List<PolicyProblem>();
        PolicyLoader.Load($"root: /data\nstore: file:///x\n{line}\n", "p.yaml", problems, StoreFactory.Validate);
        Assert.Contains(problems, p => !p.IsWarning && p.Line == 3);
    }

    [Fact]
    public void Load_AliasBomb_IsHandledQuickly()
    {
        var bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n";
        for (var i = 0; i < 9; i++) bomb += $"{(char)('b' + i)}: &{(char)('b' + i)} [*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)}]\n";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var problems = new List<PolicyProblem>();
        PolicyLoader.Load(bomb, "bomb.yaml", problems, StoreFactory.Validate);
        // Expanded, the bomb is 9^10 (3.4 billion) nodes: minutes of work and gigabytes. A minute
        // leaves room for a loaded machine and still fails if the aliases were expanded.
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), $"took {watch.Elapsed}");
        Assert.Contains(problems, p => p.Message.Contains("unknown field 'a'"));
    }

    private static string Mutate(string text, Random rng, int edits)
    {
        var chars = text.ToList();
        for (var e = 0; e < edits; e++)
        {
            var at = rng.Next(chars.Count + 1);
            switch (rng.Next(4))
            {
                case 0 when chars.Count > 0 && at < chars.Count: chars.RemoveAt(at); break;
                case 1: chars.Insert(at, Alphabet[rng.Next(Alphabet.Length)]); break;
                case 2 when at < chars.Count: chars[at] = Alphabet[rng.Next(Alphabet.Length)]; break;
                default:
                    var lines = new string(chars.ToArray()).Split('\n').ToList();
                    var l = rng.Next(lines.Count);
                    lines.Insert(l, lines[rng.Next(lines.Count)]);
                    chars = string.Join('\n', lines).ToList();
                    break;
            }
        }
        return new string(chars.ToArray());
    }
}
