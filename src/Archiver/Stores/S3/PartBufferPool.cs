namespace Archiver.Stores.S3;

/// <summary>
/// Part buffers shared by every upload of one store, so a sweep of many directories reuses the same
/// few large arrays instead of leaving each archive's buffers to the garbage collector (which, for
/// arrays this size, shows up as resident memory). Keeps at most <see cref="MaxRetained"/> free buffers.
/// </summary>
public sealed class PartBufferPool(int maxRetained = 16)
{
    private readonly Stack<byte[]> _free = new();

    public int MaxRetained { get; } = maxRetained;

    /// <summary>Buffers allocated so far (for the memory bound's tests and logs).</summary>
    public int Allocated { get; private set; }

    public byte[] Rent(long size)
    {
        lock (_free)
        {
            var kept = new List<byte[]>();
            byte[]? found = null;
            while (found is null && _free.TryPop(out var b))
            {
                if (b.Length == size) found = b;
                else kept.Add(b);
            }
            foreach (var b in kept) _free.Push(b);
            if (found is not null) return found;
            Allocated++;
        }
        return GC.AllocateUninitializedArray<byte>((int)size);
    }

    public void Return(byte[] buffer)
    {
        lock (_free)
        {
            if (_free.Count < MaxRetained) _free.Push(buffer);
        }
    }
}
