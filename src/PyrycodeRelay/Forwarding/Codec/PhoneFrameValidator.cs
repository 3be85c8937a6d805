using System.Text.Json;
using System.Text.Unicode;

namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>
/// Validates a phone frame (docs/protocol.md#phone-to-binary): exactly one RFC 8259 JSON value in UTF-8, optionally surrounded
/// by JSON whitespace. Allocation-free for valid frames nested at most 64 deep.
/// </summary>
/// <remarks>
/// What <see cref="Utf8JsonReader"/> checks and what this class adds:
/// <list type="bullet">
/// <item>The reader does not validate UTF-8 inside string literals; the whole payload is therefore checked
/// first with <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/> (which also rejects overlong forms and
/// UTF-8-encoded surrogates, as RFC 3629 requires). Outside strings the reader accepts ASCII only.</item>
/// <item>The reader rejects a leading BOM as an invalid token; it is rejected explicitly here anyway.</item>
/// <item>Escaped lone surrogates such as <c>"\ud800"</c> are grammatically valid JSON (RFC 8259 §7, §8.2)
/// and are accepted, as the reader does; the bytes are forwarded verbatim.</item>
/// <item>Comments, trailing commas, NaN/Infinity, leading zeros, control characters in strings and a second
/// top-level value are all rejected by the strict reader options in <see cref="JsonBytes.FrameOptions"/>.</item>
/// <item>Nesting deeper than <see cref="CodecLimits.MaxFrameDepth"/> is rejected.</item>
/// </list>
/// Invalid JSON that passes the cheap pre-checks is detected by the reader throwing; that exception is the
/// only allocation and happens at most once per phone connection (the phone is then closed).
/// </remarks>
internal static class PhoneFrameValidator
{
    /// <summary>The <c>err</c> text of <c>phone_forwarder_marshal_err</c> (docs/logging.md#data-plane-events).</summary>
    public const string InvalidFrameError = "relay: phone frame is not valid JSON";

    /// <summary>
    /// Returns whether <paramref name="payload"/> is a valid phone frame. On success
    /// <paramref name="valueStart"/>/<paramref name="valueLength"/> locate the value with the surrounding JSON
    /// whitespace removed (the bytes the relay splices into the envelope); on failure both are 0.
    /// </summary>
    public static bool TryValidate(ReadOnlySpan<byte> payload, out int valueStart, out int valueLength)
    {
        valueStart = 0;
        valueLength = 0;
        int first = JsonBytes.IndexOfNonWhitespace(payload);
        if (first < 0 || payload.StartsWith(JsonBytes.Utf8Bom) || !Utf8.IsValid(payload))
        {
            return false;
        }

        if (!TryReadSingleValue(payload, out int start, out int end))
        {
            return false;
        }

        valueStart = start;
        valueLength = end - start;
        return true;
    }

    /// <summary>As <see cref="TryValidate(ReadOnlySpan{byte}, out int, out int)"/>, returning the trimmed value as a slice of <paramref name="payload"/>.</summary>
    public static bool TryValidate(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> value)
    {
        if (TryValidate(payload, out int start, out int length))
        {
            value = payload.Slice(start, length);
            return true;
        }

        value = default;
        return false;
    }

    private static bool TryReadSingleValue(ReadOnlySpan<byte> payload, out int start, out int end)
    {
        start = 0;
        end = 0;
        var reader = new Utf8JsonReader(payload, JsonBytes.FrameOptions);
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            start = (int)reader.TokenStartIndex;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }

            end = (int)reader.BytesConsumed;

            // With AllowMultipleValues off, anything but trailing whitespace makes this Read throw.
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
