using Archiver.Archives;
using Archiver.Encryption;
using Archiver.FileSystem;
using Archiver.Journal;
using Archiver.Layouts;
using Archiver.Policies;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// Stage 5: stream one directory as tar → compressor → SHA-256 → store upload, with its manifest
/// spooled to the state directory beside it. The journal records that an upload of the key is
/// requested before the store creates it, and its id before the first byte is sent, so a crash at
/// any moment can be cleaned up. With <c>encryption: age</c> the compressed stream goes through the
/// age encrypter before it is hashed and uploaded (the recorded size and SHA-256 are the stored
/// ciphertext's), and the manifest is encrypted too (<see cref="EncryptedSidecars"/>). The block
/// index is recorded either way: of an encrypted archive it indexes the age payload's plaintext, and
/// the age header's size is recorded beside it, so one file is read from the chunks that hold it.
/// </summary>
public static class ArchiveStage
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(ArchiveStage));

    /// <summary>Writes, completes and records the archive of <paramref name="item"/>; calls
    /// <paramref name="written"/> once its bytes are all written (before the upload is completed).</summary>
    public static async Task<JournalRecord> RunAsync(SweepContext ctx, PlannedDirectory item, JournalRecord record, Action written, CancellationToken cancellationToken)
    {
        var c = item.Candidate;
        var manifestKey = ArchiveKeys.ManifestFor(record.Key);
        // On record before the store creates the upload: a crash before its id is recorded leaves
        // an upload that only a listing of this key finds (InterruptedUpload).
        if (!record.UploadRequested) record = ctx.Journal.Advance(record with { UploadRequested = true }, JournalState.Archiving);
        await using var upload = await ctx.Store.BeginUploadAsync(record.Key, cancellationToken);
        CrashPoints.Hit(CrashPoints.AfterCreateUpload);
        // Its id on record, for a store that cannot find every open upload by listing the key.
        if (!ctx.Store.ListsEveryPendingUpload) record = ctx.Journal.Advance(record with { UploadId = upload.UploadId }, JournalState.Archiving);

        Directory.CreateDirectory(ctx.Journal.SpoolDirectory);
        var spoolPath = Path.Combine(ctx.Journal.SpoolDirectory, $"{Guid.NewGuid():N}.manifest.json");
        try
        {
            string fingerprint, sha, check;
            long size, bytesIn;
            long? payloadOffset;
            ManifestIndex? index;
            await using (var spool = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                using var manifest = new ManifestWriter(spool, record.Key, ctx.Clock.GetUtcNow(), Source(ctx, item));
                (fingerprint, sha, check, size, index, payloadOffset) = await Task.Run(() => WriteArchive(ctx, c, upload.Content, manifest, cancellationToken), cancellationToken);
                bytesIn = manifest.BytesIn;
                manifest.Finish(new ManifestArchive
                {
                    Format = ctx.Policy.Format.Name(),
                    Level = ctx.Policy.EffectiveLevel,
                    Size = size,
                    Sha256 = sha,
                    Encryption = ctx.Recipients is null ? null : "age",
                    PayloadOffset = payloadOffset,
                }, fingerprint, index);
            }
            written();
            CrashPoints.Hit(CrashPoints.BeforeComplete);
            var stored = await upload.CompleteAsync(cancellationToken);
            CrashPoints.Hit(CrashPoints.AfterUpload);
            if (stored.Size != size)
                throw new IOException($"store reports {stored.Size} bytes for {record.Key} but {size} were written");
            if (ctx.Recipients is { } recipients)
                await EncryptedSidecars.PutAsync(ctx.Store, record.Key, spoolPath, recipients, new StoredDigest(size, sha), cancellationToken);
            else
                await using (var spooled = new FileStream(spoolPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                    await ctx.Store.PutAsync(manifestKey, spooled, cancellationToken);
            CrashPoints.Hit(CrashPoints.AfterManifest);
            Log.Information("Uploaded {Directory} to {Key}: {BytesIn} bytes in, {BytesOut} bytes out", c.Name, record.Key, bytesIn, size);
            return ctx.Journal.Advance(record with
            {
                UploadId = null,
                UploadRequested = false,
                ArchiveSize = size,
                ArchiveSha256 = sha,
                ArchiveXxh128 = check,
                BytesIn = bytesIn,
                Fingerprint = fingerprint,
            }, JournalState.Uploaded);
        }
        catch
        {
            await upload.AbortAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            Durable.TryDelete(spoolPath);
        }
    }

    private static (string Fingerprint, string Sha, string Check, long Size, ManifestIndex? Index, long? PayloadOffset) WriteArchive(SweepContext ctx, Candidate c, Stream destination, ManifestWriter manifest, CancellationToken cancellationToken)
    {
        var hashing = new HashingStream(destination);
        string fingerprint;
        ManifestIndex? index;
        long? payloadOffset;
        // Encryption streams: one 64 KiB chunk is held, whatever the size of the directory.
        using (var encrypted = ctx.Recipients is { } recipients ? new AgeEncryptingStream(hashing, recipients, leaveOpen: true) : null)
        {
            var compressed = Compression.Compress((Stream?)encrypted ?? hashing, ctx.Policy.Format, ctx.Policy.EffectiveLevel, ctx.CompressionWorkers);
            using (compressed)
            using (var buffered = new BufferedStream(ctx.BytesArchived is { } report ? new ProgressStream(compressed, n => report(c.Name, n)) : compressed, 1 << 16))
            {
                fingerprint = TarArchiveWriter.Write(c.FullPath, c.Name, new Glob(ctx.Policy.Exclude), buffered, manifest, cancellationToken);
            }
            // The index's offsets are in the compressed stream, which is the age payload's plaintext
            // when encrypting; the manifest holding it is encrypted too, so it reveals nothing.
            index = (compressed as IIndexedCompressor)?.Index;
            payloadOffset = encrypted?.PayloadOffset;
            encrypted?.Finish();
        }
        return (fingerprint, hashing.FinishHash(), hashing.FinishCheck(), hashing.BytesWritten, index, payloadOffset);
    }

    /// <summary>The key for a directory archived now: template fields from the policy, the node,
    /// the layout's captures and the time; <c>.age</c> is appended when the policy encrypts.</summary>
    public static string KeyFor(SweepContext ctx, PlannedDirectory item)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["cluster"] = ctx.Policy.Cluster,
            ["node"] = ctx.NodeName,
            ["policy"] = ctx.Policy.Name,
            ["namespace"] = item.Pod?.Namespace,
            ["pod"] = item.Pod?.Name ?? item.Candidate.Name,
            ["dir"] = item.Candidate.Name,
            ["timestamp"] = KeyTemplate.FormatTimestamp(ctx.Clock.GetUtcNow()),
        };
        // The directory's own fields win (a shared-volume layout's {node} is the pod's node).
        if (item.Pod is not null)
            foreach (var (k, v) in item.Pod.Fields.Where(f => f.Key is not ("dir" or "timestamp" or "cluster" or "policy"))) values[k] = v;
        var key = ctx.KeyTemplate.Render(values);
        return ctx.Recipients is null ? key : key + ArchiveKeys.EncryptedSuffix;
    }

    private static ManifestSource Source(SweepContext ctx, PlannedDirectory item) => new()
    {
        Policy = ctx.Policy.Name,
        Cluster = ctx.Policy.Cluster,
        Node = ctx.NodeName,
        Namespace = item.Pod?.Namespace,
        Pod = item.Pod?.Name,
        Root = ctx.Policy.Root,
        Dir = item.Candidate.Name,
        Fields = item.Pod?.Fields.ToDictionary(),
    };
}
