namespace Archiver.Stores;

/// <summary>One backend: which URL scheme it serves, how it checks its options, how it is made.</summary>
public interface IStoreProvider
{
    string Scheme { get; }

    /// <summary>Every problem with the URL and options (empty when usable). Never touches the network.</summary>
    IEnumerable<string> Validate(Uri url, IReadOnlyDictionary<string, string> options);

    IArchiveStore Create(Uri url, IReadOnlyDictionary<string, string> options);
}
