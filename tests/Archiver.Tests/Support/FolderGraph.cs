using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Archiver.Tests.Support;

/// <summary>
/// Which source folder uses which, computed from the code itself: every C# file under a source root
/// is compiled together (Roslyn, against the runtime and the test's own package assemblies), every
/// name in it is bound, and a name declared in another folder is an arrow from the file's folder to
/// that one. A folder is its path under the root (<c>Stores/S3</c> is not <c>Stores</c>);
/// a file at the root is a node of its own, named after the file.
/// </summary>
public sealed class FolderGraph
{
    private readonly Dictionary<(string From, string To), string> _examples = [];

    /// <summary>Every arrow, with one use that makes it (<c>File.cs: TypeName</c>).</summary>
    public IReadOnlyDictionary<(string From, string To), string> Arrows => _examples;

    public IEnumerable<string> Nodes => _examples.Keys.SelectMany(k => new[] { k.From, k.To }).Distinct().Order(StringComparer.Ordinal);

    public static FolderGraph Build(string sourceRoot)
    {
        var files = Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(Path.GetRelativePath(sourceRoot, f)))
            .Order(StringComparer.Ordinal)
            .ToList();
        return Build(files.Select(f => (Path.GetRelativePath(sourceRoot, f), File.ReadAllText(f))));
    }

    /// <summary>Builds the graph of sources given as (path relative to the root, text).</summary>
    public static FolderGraph Build(IEnumerable<(string RelativePath, string Text)> sources)
    {
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);
        var trees = sources
            .Select(s => CSharpSyntaxTree.ParseText(s.Text, options, path: s.RelativePath))
            .ToList();
        // What <ImplicitUsings> adds to every file of the project.
        var implicitUsings = CSharpSyntaxTree.ParseText(
            "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic;" +
            "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;", options, path: "(implicit usings)");
        var compilation = CSharpCompilation.Create("graph", [.. trees, implicitUsings], References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

        // Only names that our own sources declare can lead to another folder (and `var`, which stands
        // for one): binding just those keeps the test to seconds.
        var ours = trees.SelectMany(t => t.GetRoot().DescendantNodes())
            .Select(DeclaredName).OfType<string>().Append("var").ToHashSet(StringComparer.Ordinal);
        var graph = new FolderGraph();
        foreach (var tree in trees)
        {
            var from = NodeOf(tree.FilePath);
            var model = compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>().Where(n => ours.Contains(n.Identifier.Text)))
            {
                var info = model.GetSymbolInfo(name);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                foreach (var declared in DeclaringFiles(symbol))
                {
                    var to = NodeOf(declared);
                    if (to != from) graph._examples.TryAdd((from, to), $"{Path.GetFileName(tree.FilePath)}: {name.Identifier.Text}");
                }
            }
        }
        return graph;
    }

    /// <summary>The groups of folders that reach each other (strongly connected components with
    /// more than one folder), each with the arrows inside it.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var nodes = Nodes.ToList();
        var next = nodes.ToDictionary(n => n, n => _examples.Keys.Where(k => k.From == n).Select(k => k.To).ToList());
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var groups = new List<IReadOnlyList<string>>();
        var counter = 0;

        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in next[v])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }
            if (low[v] != index[v]) return;
            var group = new List<string>();
            string x;
            do
            {
                x = stack.Pop();
                onStack.Remove(x);
                group.Add(x);
            }
            while (x != v);
            if (group.Count > 1) groups.Add([.. group.Order(StringComparer.Ordinal)]);
        }

        foreach (var n in nodes)
        {
            if (!index.ContainsKey(n)) Visit(n);
        }
        return groups;
    }

    /// <summary>The arrows, one a line (<c>A -> B   (File.cs: Name)</c>), those of <paramref name="only"/> when given.</summary>
    public string Describe(IEnumerable<string>? only = null)
    {
        var keep = only?.ToHashSet();
        var text = new StringBuilder();
        foreach (var ((from, to), example) in _examples.OrderBy(a => a.Key.From, StringComparer.Ordinal).ThenBy(a => a.Key.To, StringComparer.Ordinal))
        {
            if (keep is null || (keep.Contains(from) && keep.Contains(to))) text.AppendLine($"{from} -> {to}   ({example})");
        }
        return text.ToString();
    }

    private static string? DeclaredName(SyntaxNode node) => node switch
    {
        BaseTypeDeclarationSyntax t => t.Identifier.Text,
        DelegateDeclarationSyntax d => d.Identifier.Text,
        MethodDeclarationSyntax m => m.Identifier.Text,
        PropertyDeclarationSyntax p => p.Identifier.Text,
        EventDeclarationSyntax e => e.Identifier.Text,
        VariableDeclaratorSyntax { Parent.Parent: BaseFieldDeclarationSyntax } f => f.Identifier.Text,
        EnumMemberDeclarationSyntax e => e.Identifier.Text,
        ParameterSyntax { Parent.Parent: TypeDeclarationSyntax } p => p.Identifier.Text,
        _ => null,
    };

    private static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar) is [var first, _, ..] && first is "bin" or "obj";

    private static string NodeOf(string relativePath)
    {
        var dir = Path.GetDirectoryName(relativePath);
        return string.IsNullOrEmpty(dir) ? Path.GetFileNameWithoutExtension(relativePath) : dir.Replace(Path.DirectorySeparatorChar, '/');
    }

    private static IEnumerable<string> DeclaringFiles(ISymbol? symbol)
    {
        if (symbol is null || symbol is INamespaceSymbol) yield break;
        // A member counts as a use of the type that declares it (extension methods included).
        var type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        if (symbol is IMethodSymbol { ReducedFrom: { } reduced }) type = reduced.ContainingType;
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.ContainingType is null) type = t;
        }
        if (type is null) yield break;
        foreach (var reference in type.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree.FilePath != "(implicit usings)") yield return reference.SyntaxTree.FilePath;
        }
    }

    private static List<MetadataReference> References()
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(p => !Path.GetFileName(p).StartsWith("archiver", StringComparison.OrdinalIgnoreCase))
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase);
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
