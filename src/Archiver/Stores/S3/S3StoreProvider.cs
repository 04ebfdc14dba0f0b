using Archiver.Policies;

namespace Archiver.Stores.S3;

/// <summary><c>s3://BUCKET/PREFIX</c> (AWS S3, Ceph RGW, MinIO, ...) and, with
/// <see cref="S3Flavor.Oss"/>, <c>oss://BUCKET/PREFIX</c> (Alibaba Cloud OSS through its
/// S3-compatible endpoint). Options: see <see cref="S3StoreOptions"/> and docs/stores.md.</summary>
public sealed class S3StoreProvider(S3Flavor flavor, Func<string, string?>? environment = null, TimeProvider? clock = null, Amazon.Runtime.HttpClientFactory? httpClientFactory = null) : IStoreProvider
{
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    public string Scheme => flavor == S3Flavor.Oss ? "oss" : "s3";

    public IEnumerable<string> Validate(Uri url, IReadOnlyDictionary<string, string> options)
    {
        var problems = new List<string>();
        S3StoreOptions.Parse(flavor, url, options, _environment, problems);
        return problems;
    }

    public IArchiveStore Create(Uri url, IReadOnlyDictionary<string, string> options)
    {
        var problems = new List<string>();
        var parsed = S3StoreOptions.Parse(flavor, url, options, _environment, problems);
        if (problems.Count > 0) throw new ConfigurationException(problems.Select(p => new PolicyProblem("store", 0, p)).ToList());
        try
        {
            var (client, credentials) = S3ClientFactory.Create(parsed, _environment, httpClientFactory, clock);
            return new S3ArchiveStore(parsed, client, clock ?? TimeProvider.System) { Credentials = credentials };
        }
        catch (StoreException e)
        {
            throw new ConfigurationException(e.Message);
        }
        catch (Amazon.Runtime.AmazonClientException e)
        {
            throw new ConfigurationException($"{parsed.Location}: {e.Message}; set the store's region (or endpoint) option, or AWS_REGION");
        }
    }
}
