using Archiver.Stores.Azure;
using Archiver.Stores.S3;
using Archiver.Tests.Support;

namespace Archiver.Tests.Docs;

/// <summary>
/// The option tables of docs/stores.md (the first <c>| option |</c> table after a section's heading)
/// name exactly the options each store accepts: a documented option the store refuses, or one it
/// takes that nobody can find, fails here.
/// </summary>
public class DocumentedStoreOptionsTests
{
    public static TheoryData<string, string> Stores() => new()
    {
        { "## Options", "s3" },
        { "## Azure Blob Storage", "azblob" },
    };

    [Theory]
    [MemberData(nameof(Stores))]
    public void OptionsTable_NamesExactlyTheOptionsTheStoreAccepts(string heading, string scheme)
    {
        var known = scheme == "s3" ? S3StoreOptions.Known : AzureStoreOptions.Known;

        var documented = OptionsTable(RepoRoot.Combine("docs", "stores.md"), heading);

        Assert.True(documented.Order(StringComparer.Ordinal).SequenceEqual(known.Order(StringComparer.Ordinal)),
            $"docs/stores.md, '{heading}': documents [{string.Join(", ", documented.Order(StringComparer.Ordinal))}], " +
            $"the {scheme} store accepts [{string.Join(", ", known.Order(StringComparer.Ordinal))}]");
    }

    /// <summary>The backticked names in the first column of the first option table under <paramref name="heading"/>.</summary>
    private static List<string> OptionsTable(string page, string heading)
    {
        var lines = File.ReadAllLines(page);
        var start = Array.FindIndex(lines, l => l == heading);
        Assert.True(start >= 0, $"{page} has no heading '{heading}'");
        var header = Array.FindIndex(lines, start, l => l.StartsWith("| option |", StringComparison.Ordinal));
        Assert.True(header > start, $"{page}: no '| option |' table under '{heading}'");
        var names = new List<string>();
        for (var i = header + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            var cell = lines[i].Split('|')[1].Trim();
            Assert.True(cell.Length > 2 && cell[0] == '`' && cell[^1] == '`', $"{page}:{i + 1}: the option column should be one `name`, is '{cell}'");
            names.Add(cell[1..^1]);
        }
        return names;
    }
}
