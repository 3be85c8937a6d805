using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace PyrycodeRelay.Forwarding;

/// <summary>Envelope classes of protocol.md §7.2.</summary>
internal enum EnvelopeKind
{
    Malformed,
    WakeRequest,
    MissingConnId,
    MissingFrame,
    Data,
    CloseDirective,
}

/// <summary>A parsed binary envelope; spans point into the message (or the scratch buffer for conn_id).</summary>
internal ref struct ParsedEnvelope
{
    public ReadOnlySpan<byte> ConnId;
    public int FrameStart;
    public int FrameLength;
    public int CloseCode;
    public int PushWakeStart;
    public int PushWakeLength;
}

/// <summary>
/// Temporary codec used until the dedicated codec (Forwarding/Codec) lands: JSON validation of phone
/// frames, envelope classification and the fixed byte shapes. Allocation-free.
/// </summary>
internal static class CodecShim
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 1000, CommentHandling = JsonCommentHandling.Disallow };

    public static ReadOnlySpan<byte> EnvelopeSuffix => "}"u8;

    public static bool TryValidatePhoneFrame(ReadOnlySpan<byte> payload, out int start, out int length)
    {
        start = 0;
        length = 0;
        if (!System.Text.Unicode.Utf8.IsValid(payload))
        {
            return false;
        }

        var reader = new Utf8JsonReader(payload, ReaderOptions);
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            start = (int)reader.TokenStartIndex;
            reader.Skip();
            var end = (int)reader.BytesConsumed;
            if (reader.Read())
            {
                return false;
            }

            length = end - start;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static EnvelopeKind ParseEnvelope(ReadOnlySpan<byte> message, Span<byte> scratch, out ParsedEnvelope envelope, out string? error)
    {
        envelope = default;
        error = "relay: malformed envelope";
        if (!System.Text.Unicode.Utf8.IsValid(message))
        {
            return EnvelopeKind.Malformed;
        }

        var reader = new Utf8JsonReader(message, ReaderOptions);
        var hasConnId = false;
        var hasFrame = false;
        var hasWake = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return EnvelopeKind.Malformed;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = Field(ref reader);
                reader.Read();
                var valueStart = (int)reader.TokenStartIndex;
                switch (field)
                {
                    case 1:
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            hasConnId = false;
                        }
                        else if (reader.TokenType == JsonTokenType.String)
                        {
                            if (reader.ValueIsEscaped)
                            {
                                var n = reader.CopyString(scratch.Length >= reader.ValueSpan.Length ? scratch : []);
                                envelope.ConnId = scratch[..n];
                            }
                            else
                            {
                                envelope.ConnId = message.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                            }

                            hasConnId = envelope.ConnId.Length > 0;
                        }
                        else
                        {
                            return EnvelopeKind.Malformed;
                        }

                        break;
                    case 2:
                        reader.Skip();
                        hasFrame = message[valueStart] != (byte)'n';
                        envelope.FrameStart = valueStart;
                        envelope.FrameLength = (int)reader.BytesConsumed - valueStart;
                        break;
                    case 3:
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            envelope.CloseCode = 0;
                        }
                        else if (reader.TokenType == JsonTokenType.Number && IsPlainInteger(reader.ValueSpan, out var code))
                        {
                            envelope.CloseCode = code;
                        }
                        else
                        {
                            return EnvelopeKind.Malformed;
                        }

                        break;
                    case 4:
                        reader.Skip();
                        hasWake = message[valueStart] != (byte)'n';
                        envelope.PushWakeStart = valueStart;
                        envelope.PushWakeLength = (int)reader.BytesConsumed - valueStart;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return EnvelopeKind.Malformed;
            }
        }
        catch (JsonException)
        {
            return EnvelopeKind.Malformed;
        }
        catch (ArgumentException)
        {
            return EnvelopeKind.Malformed;
        }

        if (!hasConnId)
        {
            if (hasWake)
            {
                error = null;
                return EnvelopeKind.WakeRequest;
            }

            error = "relay: envelope missing conn_id";
            return EnvelopeKind.MissingConnId;
        }

        if (envelope.CloseCode == 0)
        {
            if (!hasFrame)
            {
                error = "relay: envelope missing frame";
                return EnvelopeKind.MissingFrame;
            }

            error = null;
            return EnvelopeKind.Data;
        }

        if (!hasFrame)
        {
            envelope.FrameLength = 0;
        }

        error = null;
        return EnvelopeKind.CloseDirective;
    }

    private static int Field(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("conn_id"u8))
        {
            return 1;
        }

        if (reader.ValueTextEquals("frame"u8))
        {
            return 2;
        }

        if (reader.ValueTextEquals("close_code"u8))
        {
            return 3;
        }

        return reader.ValueTextEquals("push_wake"u8) ? 4 : 0;
    }

    private static bool IsPlainInteger(ReadOnlySpan<byte> number, out int value)
    {
        value = 0;
        if (number.Length is 0 or > 5 || number.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        return Utf8Parser.TryParse(number, out value, out _) && value <= 65535;
    }

    public static bool TryParseConnKey(ReadOnlySpan<byte> connId, ReadOnlySpan<byte> expectedPrefix, out ulong key)
    {
        key = 0;
        if (connId.Length != expectedPrefix.Length + 16 || !connId.StartsWith(expectedPrefix))
        {
            return false;
        }

        var hex = connId[expectedPrefix.Length..];
        foreach (var b in hex)
        {
            if (!((b >= '0' && b <= '9') || (b >= 'a' && b <= 'f')))
            {
                return false;
            }
        }

        return Utf8Parser.TryParse(hex, out key, out var consumed, 'x') && consumed == 16;
    }

    public static byte[] BuildEnvelopePrefix(string connId) => Encoding.UTF8.GetBytes("{\"conn_id\":\"" + EscapeConnId(connId) + "\",\"frame\":");

    public static byte[] BuildCloseNotice(string connId, int code) =>
        Encoding.UTF8.GetBytes("{\"conn_id\":\"" + EscapeConnId(connId) + "\",\"close_code\":" + code.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}");

    private static string EscapeConnId(string connId) => connId.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
