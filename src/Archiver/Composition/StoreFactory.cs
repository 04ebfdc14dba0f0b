using Archiver.Policies;
using Archiver.Stores;
using Archiver.Stores.Azure;
using Archiver.Stores.S3;

namespace Archiver.Composition;

/// <summary>Turns a <see cref="StoreSpec"/> into a store. Query parameters in the URL are options too.</summary>
public static class StoreFactory
{
    private static readonly IReadOnlyList<IStoreProvider> Providers =
        [new FileStoreProvider(), new S3StoreProvider(S3Flavor.S3), new S3StoreProvider(S3Flavor.Oss), new AzureStoreProvider()];

    public static IEnumerable<string> KnownSchemes => Providers.Select(p => p.Scheme + "://");

    public static IEnumerable<string> Validate(StoreSpec spec)
    {
        if (!TryResolve(spec, out var provider, out var url, out var options, out var error)) return [error!];
        return provider.Validate(url, options).ToList();
    }

    /// <summary>Creates the store; throws <see cref="ConfigurationException"/> with every problem.</summary>
    public static IArchiveStore Create(StoreSpec spec)
    {
        if (!TryResolve(spec, out var provider, out var url, out var options, out var error))
            throw new ConfigurationException(error!);
        var problems = provider.Validate(url, options).ToList();
        if (problems.Count > 0)
            throw new ConfigurationException(problems.Select(p => new PolicyProblem("store", 0, p)).ToList());
        return provider.Create(url, options);
    }

    private static bool TryResolve(StoreSpec spec, out IStoreProvider provider, out Uri url,
        out IReadOnlyDictionary<string, string> options, out string? error)
    {
        provider = null!;
        url = null!;
        options = spec.Options;
        error = null;
        var text = spec.Url.Trim();
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd > 0 ? text[..schemeEnd].ToLowerInvariant() : "";
        var found = Providers.FirstOrDefault(p => p.Scheme == scheme);
        if (found is null)
        {
            error = $"store '{StoreUrl.Redact(text)}' has an unknown scheme; use one of {string.Join(", ", KnownSchemes)} (e.g. file:///var/archive)";
            return false;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed))
        {
            error = $"store '{StoreUrl.Redact(text)}' is not a valid URL";
            return false;
        }
        var merged = new Dictionary<string, string>(spec.Options, StringComparer.Ordinal);
        foreach (var pair in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var k = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var v = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            merged[k] = v;
        }
        provider = found;
        url = parsed;
        options = merged;
        return true;
    }
}
