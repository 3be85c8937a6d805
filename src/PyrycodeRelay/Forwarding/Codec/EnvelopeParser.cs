using System.Text.Unicode;

namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>
/// Parses and classifies one binary → relay message exactly per docs/protocol.md#envelope-fields, #envelope-classification, without allocating.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The whole message must be exactly one JSON value (trailing data, invalid UTF-8 anywhere, a BOM,
/// nesting deeper than <see cref="CodecLimits.MaxEnvelopeDepth"/> → malformed), and that value an object.</item>
/// <item>Keys are compared case-sensitively after JSON unescaping (<c>"conn\u005fid"</c> is <c>conn_id</c>);
/// unknown keys are ignored. A repeated key: the last occurrence is used and earlier ones are disregarded
/// entirely, including their type.</item>
/// <item><c>close_code</c> must be an integer literal 0–65535 or <c>null</c>: a minus sign (even <c>-0</c>),
/// fraction, exponent, string or a value above 65535 is a wrong type → malformed.</item>
/// <item>Invalid JSON that passes the cheap pre-checks (UTF-8, first byte <c>{</c>) is detected by the reader
/// throwing; that exception is the only allocation, on the malformed path only.</item>
/// </list>
/// </remarks>
internal static partial class EnvelopeParser
{
    /// <summary>
    /// Parses <paramref name="message"/>. <paramref name="connIdScratch"/> (at least
    /// <see cref="CodecLimits.MaxConnIdBytes"/> bytes, e.g. <c>stackalloc</c>) receives the unescaped conn_id when
    /// the JSON string contains escapes; otherwise <see cref="BinaryEnvelope.ConnId"/> points into the message.
    /// </summary>
    public static BinaryEnvelope Parse(ReadOnlySpan<byte> message, Span<byte> connIdScratch)
    {
        if (connIdScratch.Length < CodecLimits.MaxConnIdBytes)
        {
            ThrowScratchTooShort();
        }

        int first = JsonBytes.IndexOfNonWhitespace(message);
        if (first < 0 || message[first] != (byte)'{' || !Utf8.IsValid(message))
        {
            return Malformed;
        }

        var fields = default(Fields);
        if (!TryReadFields(message, ref fields))
        {
            return Malformed;
        }

        return Classify(in fields, connIdScratch);
    }

    private static BinaryEnvelope Malformed => new(EnvelopeKind.Malformed, default, false, default, default, 0, default);

    private static BinaryEnvelope Classify(scoped in Fields fields, Span<byte> connIdScratch)
    {
        if (fields.ConnIdWrongType || fields.CloseCodeWrongType)
        {
            return Malformed;
        }

        bool noConnId = fields.ConnIdRaw.IsEmpty;
        EnvelopeKind kind;
        if (noConnId && !fields.PushWake.IsEmpty)
        {
            kind = EnvelopeKind.WakeRequest;
        }
        else if (noConnId)
        {
            kind = EnvelopeKind.MissingConnId;
        }
        else if (fields.CloseCode == 0 && fields.Frame.IsEmpty)
        {
            kind = EnvelopeKind.MissingFrame;
        }
        else
        {
            kind = fields.CloseCode == 0 ? EnvelopeKind.Data : EnvelopeKind.CloseDirective;
        }

        ReadOnlySpan<byte> connId = default;
        bool matchable = false;
        if (kind is EnvelopeKind.Data or EnvelopeKind.CloseDirective)
        {
            matchable = TryUnescapeConnId(fields.ConnIdRaw, fields.ConnIdEscaped, connIdScratch, out connId);
        }

        return new BinaryEnvelope(kind, connId, matchable, fields.ConnIdRaw, fields.Frame, fields.CloseCode, fields.PushWake);
    }

    private static bool TryUnescapeConnId(ReadOnlySpan<byte> raw, bool escaped, Span<byte> scratch, out ReadOnlySpan<byte> connId)
    {
        connId = default;
        if (!escaped)
        {
            if (raw.Length > CodecLimits.MaxConnIdBytes)
            {
                return false;
            }

            connId = raw;
            return true;
        }

        if (!JsonStringUnescaper.TryUnescape(raw, scratch[..CodecLimits.MaxConnIdBytes], out int written))
        {
            return false;
        }

        connId = scratch[..written];
        return true;
    }

    private static void ThrowScratchTooShort() => throw new ArgumentException(
        $"The conn_id scratch buffer must hold at least {CodecLimits.MaxConnIdBytes} bytes.", "connIdScratch");
}
