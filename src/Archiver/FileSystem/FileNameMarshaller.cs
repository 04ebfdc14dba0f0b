using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace Archiver.FileSystem;

/// <summary>
/// Passes a name to libc as the NUL-terminated bytes <see cref="FileName"/> maps it to, so a name
/// that was not UTF-8 reaches the kernel byte for byte (the built-in UTF-8 marshaller would turn its
/// escapes into U+FFFD). Short names go through a stack buffer, as with the built-in marshaller.
/// </summary>
[CustomMarshaller(typeof(string), MarshalMode.ManagedToUnmanagedIn, typeof(ManagedToUnmanagedIn))]
internal static unsafe class FileNameMarshaller
{
    public ref struct ManagedToUnmanagedIn
    {
        private byte* _native;
        private bool _allocated;

        public static int BufferSize => 0x200;

        public void FromManaged(string? managed, Span<byte> buffer)
        {
            _allocated = false;
            if (managed is null)
            {
                _native = null;
                return;
            }
            // At most 3 bytes per UTF-16 unit (an escape is 1, a pair 4 for 2 units).
            if (3L * managed.Length >= buffer.Length)
            {
                var exact = checked(FileName.ByteCount(managed) + 1);
                if (exact > buffer.Length)
                {
                    buffer = new Span<byte>((byte*)NativeMemory.Alloc((nuint)exact), exact);
                    _allocated = true;
                }
            }
            _native = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer));
            buffer[FileName.Encode(managed, buffer)] = 0;
        }

        public readonly byte* ToUnmanaged() => _native;

        public readonly void Free()
        {
            if (_allocated) NativeMemory.Free(_native);
        }
    }
}
