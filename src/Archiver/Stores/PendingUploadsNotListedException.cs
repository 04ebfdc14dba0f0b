namespace Archiver.Stores;

/// <summary>The store cannot list unfinished uploads (Alibaba OSS's S3-compatible endpoint does not
/// offer ListMultipartUploads). Uploads are still aborted by the id the journal recorded.</summary>
public sealed class PendingUploadsNotListedException(string location, Exception? inner = null)
    : StoreException($"{location} does not offer listing unfinished uploads", inner);
