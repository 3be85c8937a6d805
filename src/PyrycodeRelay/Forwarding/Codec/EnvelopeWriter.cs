using System.Buffers;

namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>
/// Writes the relay → binary messages byte for byte (docs/protocol.md#phone-to-binary wrapping, #close-notice). Every method
/// is allocation-free except <see cref="CreateFramePrefix"/>, meant to be called once per phone.
/// </summary>
/// <remarks>
/// A conn_id is written as a JSON string in which only <c>"</c> and <c>\</c> are escaped (as <c>\"</c>,
/// <c>\\</c>); every other byte is copied unchanged. The data envelope is
/// <c>{"conn_id":"&lt;conn_id&gt;","frame":&lt;payload&gt;}</c>, which the relay can splice as
/// <see cref="WriteFramePrefix"/> + payload + <see cref="FrameSuffix"/>.
/// </remarks>
internal static partial class EnvelopeWriter
{
    private const int ConnIdOpenLength = 12;  // {"conn_id":"
    private const int FrameKeyLength = 10;    // ","frame":

    /// <summary>The bytes that follow the payload in a data envelope: <c>}</c>.</summary>
    public static ReadOnlySpan<byte> FrameSuffix => "}"u8;

    private static ReadOnlySpan<byte> ConnIdOpen => "{\"conn_id\":\""u8;

    private static ReadOnlySpan<byte> FrameKey => "\",\"frame\":"u8;

    /// <summary>Length of <paramref name="connId"/> once <c>"</c> and <c>\</c> are escaped.</summary>
    public static int GetEscapedConnIdLength(ReadOnlySpan<byte> connId) =>
        connId.Length + connId.Count((byte)'"') + connId.Count((byte)'\\');

    /// <summary>Exact length of <c>{"conn_id":"&lt;conn_id&gt;","frame":</c>.</summary>
    public static int GetFramePrefixLength(ReadOnlySpan<byte> connId) =>
        ConnIdOpenLength + GetEscapedConnIdLength(connId) + FrameKeyLength;

    /// <summary>Exact length of the whole data envelope around a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static int GetFrameEnvelopeLength(ReadOnlySpan<byte> connId, int payloadLength) =>
        GetFramePrefixLength(connId) + payloadLength + 1;

    /// <summary>
    /// Writes <c>{"conn_id":"&lt;conn_id&gt;","frame":</c> into <paramref name="destination"/> and returns the
    /// number of bytes written. Throws <see cref="ArgumentException"/> if the destination is too short.
    /// </summary>
    public static int WriteFramePrefix(ReadOnlySpan<byte> connId, Span<byte> destination)
    {
        int length = GetFramePrefixLength(connId);
        if (destination.Length < length)
        {
            ThrowTooShort(nameof(destination));
        }

        return WritePrefixUnchecked(connId, FrameKey, destination);
    }

    /// <summary>Returns a new array holding the data-envelope prefix for one conn_id (compute once per phone).</summary>
    public static byte[] CreateFramePrefix(ReadOnlySpan<byte> connId)
    {
        var prefix = new byte[GetFramePrefixLength(connId)];
        WritePrefixUnchecked(connId, FrameKey, prefix);
        return prefix;
    }

    /// <summary>
    /// Writes the whole data envelope <c>{"conn_id":"&lt;conn_id&gt;","frame":&lt;payload&gt;}</c> and returns
    /// its length. <paramref name="payload"/> is copied verbatim (pass the trimmed value from
    /// <see cref="PhoneFrameValidator"/>). Throws <see cref="ArgumentException"/> if the destination is too short.
    /// </summary>
    public static int WriteFrameEnvelope(ReadOnlySpan<byte> connId, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        int length = GetFrameEnvelopeLength(connId, payload.Length);
        if (destination.Length < length)
        {
            ThrowTooShort(nameof(destination));
        }

        int written = WritePrefixUnchecked(connId, FrameKey, destination);
        payload.CopyTo(destination[written..]);
        written += payload.Length;
        destination[written] = (byte)'}';
        return written + 1;
    }

    /// <summary>Writes the whole data envelope into <paramref name="writer"/> (one <c>GetSpan</c>/<c>Advance</c>).</summary>
    public static void WriteFrameEnvelope(ReadOnlySpan<byte> connId, ReadOnlySpan<byte> payload, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int length = GetFrameEnvelopeLength(connId, payload.Length);
        int written = WriteFrameEnvelope(connId, payload, writer.GetSpan(length));
        writer.Advance(written);
    }

    /// <summary>Writes <c>{"conn_id":"</c>, the escaped conn_id and <paramref name="key"/>; no bounds check.</summary>
    private static int WritePrefixUnchecked(ReadOnlySpan<byte> connId, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        ConnIdOpen.CopyTo(destination);
        int written = ConnIdOpenLength + WriteEscaped(connId, destination[ConnIdOpenLength..]);
        key.CopyTo(destination[written..]);
        return written + key.Length;
    }

    /// <summary>Copies <paramref name="source"/> escaping only <c>"</c> and <c>\</c>; the destination is large enough.</summary>
    private static int WriteEscaped(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int written = 0;
        while (true)
        {
            int special = source.IndexOfAny((byte)'"', (byte)'\\');
            if (special < 0)
            {
                source.CopyTo(destination[written..]);
                return written + source.Length;
            }

            source[..special].CopyTo(destination[written..]);
            written += special;
            destination[written] = (byte)'\\';
            destination[written + 1] = source[special];
            written += 2;
            source = source[(special + 1)..];
        }
    }

    private static void ThrowTooShort(string paramName) =>
        throw new ArgumentException("Destination is too short for the envelope.", paramName);
}
