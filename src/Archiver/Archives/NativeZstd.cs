using System.Runtime.InteropServices;

namespace Archiver.Archives;

/// <summary>
/// libzstd (<c>libzstd.so.1</c>), bound at run time: first the copy shipped in the app's own folder
/// (<c>deploy/publish.sh</c> bundles Debian's libzstd1 for the target architecture, since the
/// chiseled base image has none), then the system's. It compresses about 1.6 × faster than the
/// managed ZstdSharp port. When neither loads or both are too old (no <c>ZSTD_compressStream2</c>,
/// before 1.4.0), <see cref="IsAvailable"/> is false and Archiver falls back to ZstdSharp;
/// <see cref="Description"/> says which one is used.
/// </summary>
internal static unsafe class NativeZstd
{
    public const int CompressionLevel = 100;
    public const int ChecksumFlag = 201;
    public const int EndFrame = 2;
    public const int ResetSessionAndParameters = 3;

    /// <summary>The file name the app's folder and the dynamic loader know the library by.</summary>
    public const string LibraryName = "libzstd.so.1";

    /// <summary>Compression contexts kept between frames: a new one per frame allocated and
    /// zeroed its tables each time (page faults were ~5 % of a tar.zst sweep's CPU). A few are kept,
    /// one per compressing thread at most; the rest are freed.</summary>
    private const int KeptContexts = 4;
    private static readonly System.Collections.Concurrent.ConcurrentBag<IntPtr> Contexts = [];

    private static readonly Lazy<(Api? Api, string Description)> Loaded = new(() => Load(AppContext.BaseDirectory));

    public static bool IsAvailable => Loaded.Value.Api is not null;

    /// <summary>Which zstd compressor runs, for <c>archiver --version</c>: <c>native libzstd 1.5.4
    /// (bundled: /app/libzstd.so.1)</c>, <c>... (system)</c> or <c>managed fallback (ZstdSharp): why</c>.</summary>
    public static string Description => Loaded.Value.Description;

    internal static Api Functions => Loaded.Value.Api ?? throw new InvalidOperationException("libzstd.so.1 is not loaded");

    /// <summary>Loads the bundled copy in <paramref name="appDirectory"/>, else the system's. Set
    /// <c>ARCHIVER_ZSTD=managed</c> to use ZstdSharp even when libzstd is present.</summary>
    internal static (Api? Api, string Description) Load(string appDirectory)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("ARCHIVER_ZSTD"), "managed", StringComparison.OrdinalIgnoreCase))
            return (null, "managed fallback (ZstdSharp): ARCHIVER_ZSTD=managed");
        var bundled = Path.Combine(appDirectory, LibraryName);
        var refused = new List<string>();
        foreach (var (path, where) in new[] { (bundled, $"bundled: {bundled}"), (LibraryName, "system") })
        {
            if (path == bundled && !File.Exists(bundled)) continue;
            if (!NativeLibrary.TryLoad(path, out var lib))
            {
                refused.Add($"{path} did not load");
                continue;
            }
            if (TryBind(lib) is { } api) return (api, $"native libzstd {api.Version} ({string.Join("; ", refused.Prepend(where))})");
            refused.Add($"{path} is older than 1.4.0");
        }
        return (null, $"managed fallback (ZstdSharp): {(refused.Count > 0 ? string.Join("; ", refused) : $"no {LibraryName} in {appDirectory} or on the system")}");
    }

    /// <summary>Compresses <paramref name="input"/> as one whole frame with a content checksum.</summary>
    public static void CompressFrame(ReadOnlySpan<byte> input, int level, Stream output)
    {
        var api = Functions;
        var cctx = RentContext(api);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(api.OutSize);
        var reusable = false;
        try
        {
            Check(api, api.Reset(cctx, ResetSessionAndParameters));
            Check(api, api.SetParameter(cctx, CompressionLevel, level));
            Check(api, api.SetParameter(cctx, ChecksumFlag, 1));
            // The size up front: libzstd sizes its tables to the frame (2 MiB, not the level's window)
            // and writes the content size into the frame header.
            Check(api, api.SetPledgedSrcSize(cctx, (ulong)input.Length));
            fixed (byte* src = input)
            fixed (byte* dst = chunk)
            {
                var inBuf = new Buffer { Data = src, Size = (nuint)input.Length, Pos = 0 };
                nuint remaining;
                do
                {
                    var outBuf = new Buffer { Data = dst, Size = (nuint)chunk.Length, Pos = 0 };
                    remaining = api.CompressStream2(cctx, &outBuf, &inBuf, EndFrame);
                    Check(api, remaining);
                    output.Write(chunk, 0, (int)outBuf.Pos);
                }
                while (remaining != 0);
            }
            reusable = true;
        }
        finally
        {
            if (reusable) ReturnContext(api, cctx);
            else api.FreeCCtx(cctx);
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static IntPtr RentContext(Api api) => Contexts.TryTake(out var cctx) ? cctx : api.CreateCCtx();

    private static void ReturnContext(Api api, IntPtr cctx)
    {
        if (Contexts.Count < KeptContexts) Contexts.Add(cctx);
        else api.FreeCCtx(cctx);
    }

    private static void Check(Api api, nuint code)
    {
        if (api.IsError(code) != 0)
            throw new IOException($"libzstd could not compress: {api.ErrorName(code)}; set ARCHIVER_ZSTD=managed to use the built-in compressor instead");
    }

    private static Api? TryBind(IntPtr lib)
    {
        try
        {
            return new Api(lib);
        }
        catch (EntryPointNotFoundException)
        {
            NativeLibrary.Free(lib);
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct Buffer
    {
        public byte* Data;
        public nuint Size;
        public nuint Pos;
    }

    internal sealed class Api(IntPtr lib)
    {
        private readonly delegate* unmanaged<IntPtr> _create = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(lib, "ZSTD_createCCtx");
        private readonly delegate* unmanaged<IntPtr, nuint> _free = (delegate* unmanaged<IntPtr, nuint>)NativeLibrary.GetExport(lib, "ZSTD_freeCCtx");
        private readonly delegate* unmanaged<IntPtr, int, int, nuint> _set = (delegate* unmanaged<IntPtr, int, int, nuint>)NativeLibrary.GetExport(lib, "ZSTD_CCtx_setParameter");
        private readonly delegate* unmanaged<IntPtr, Buffer*, Buffer*, int, nuint> _compress = (delegate* unmanaged<IntPtr, Buffer*, Buffer*, int, nuint>)NativeLibrary.GetExport(lib, "ZSTD_compressStream2");
        private readonly delegate* unmanaged<IntPtr, int, nuint> _reset = (delegate* unmanaged<IntPtr, int, nuint>)NativeLibrary.GetExport(lib, "ZSTD_CCtx_reset");
        private readonly delegate* unmanaged<IntPtr, ulong, nuint> _pledge = (delegate* unmanaged<IntPtr, ulong, nuint>)NativeLibrary.GetExport(lib, "ZSTD_CCtx_setPledgedSrcSize");
        private readonly delegate* unmanaged<nuint, uint> _isError = (delegate* unmanaged<nuint, uint>)NativeLibrary.GetExport(lib, "ZSTD_isError");
        private readonly delegate* unmanaged<nuint, byte*> _errorName = (delegate* unmanaged<nuint, byte*>)NativeLibrary.GetExport(lib, "ZSTD_getErrorName");
        private readonly delegate* unmanaged<nuint> _outSize = (delegate* unmanaged<nuint>)NativeLibrary.GetExport(lib, "ZSTD_CStreamOutSize");
        private readonly delegate* unmanaged<byte*> _version = (delegate* unmanaged<byte*>)NativeLibrary.GetExport(lib, "ZSTD_versionString");

        public IntPtr CreateCCtx() => _create() is var p && p != IntPtr.Zero ? p : throw new OutOfMemoryException("libzstd could not allocate a compression context");

        public void FreeCCtx(IntPtr cctx) => _free(cctx);

        public nuint SetParameter(IntPtr cctx, int parameter, int value) => _set(cctx, parameter, value);

        public nuint Reset(IntPtr cctx, int directive) => _reset(cctx, directive);

        public nuint SetPledgedSrcSize(IntPtr cctx, ulong size) => _pledge(cctx, size);

        public nuint CompressStream2(IntPtr cctx, Buffer* output, Buffer* input, int end) => _compress(cctx, output, input, end);

        public uint IsError(nuint code) => _isError(code);

        public string ErrorName(nuint code) => Marshal.PtrToStringUTF8((IntPtr)_errorName(code)) ?? "unknown error";

        public int OutSize => (int)_outSize();

        public string Version => Marshal.PtrToStringUTF8((IntPtr)_version()) ?? "unknown version";
    }
}
