using System.Buffers;
using System.Buffers.Text;

namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>The close notice of docs/protocol.md#close-notice: <c>{"conn_id":"&lt;conn_id&gt;","close_code":&lt;n&gt;}</c>.</summary>
internal static partial class EnvelopeWriter
{
    private const int CloseCodeKeyLength = 15; // ","close_code":

    private static ReadOnlySpan<byte> CloseCodeKey => "\",\"close_code\":"u8;

    /// <summary>
    /// Exact length of the close notice for <paramref name="connId"/> and <paramref name="closeCode"/>
    /// (a WebSocket status code, 0–65535; anything else throws <see cref="ArgumentOutOfRangeException"/>).
    /// </summary>
    public static int GetCloseNoticeLength(ReadOnlySpan<byte> connId, int closeCode) =>
        ConnIdOpenLength + GetEscapedConnIdLength(connId) + CloseCodeKeyLength + CountDigits(closeCode) + 1;

    /// <summary>
    /// Writes the close notice and returns its length. Throws <see cref="ArgumentException"/> if the destination
    /// is too short, <see cref="ArgumentOutOfRangeException"/> if the code is outside 0–65535.
    /// </summary>
    public static int WriteCloseNotice(ReadOnlySpan<byte> connId, int closeCode, Span<byte> destination)
    {
        int length = GetCloseNoticeLength(connId, closeCode);
        if (destination.Length < length)
        {
            ThrowTooShort(nameof(destination));
        }

        int written = WritePrefixUnchecked(connId, CloseCodeKey, destination);
        Utf8Formatter.TryFormat(closeCode, destination[written..], out int digits);
        written += digits;
        destination[written] = (byte)'}';
        return written + 1;
    }

    /// <summary>Writes the close notice into <paramref name="writer"/> (one <c>GetSpan</c>/<c>Advance</c>).</summary>
    public static void WriteCloseNotice(ReadOnlySpan<byte> connId, int closeCode, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int length = GetCloseNoticeLength(connId, closeCode);
        int written = WriteCloseNotice(connId, closeCode, writer.GetSpan(length));
        writer.Advance(written);
    }

    private static int CountDigits(int closeCode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(closeCode);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(closeCode, ushort.MaxValue);
        return closeCode switch
        {
            < 10 => 1,
            < 100 => 2,
            < 1000 => 3,
            < 10000 => 4,
            _ => 5,
        };
    }
}
