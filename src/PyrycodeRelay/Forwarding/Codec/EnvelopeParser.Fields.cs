using System.Text.Json;

namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>Reading the envelope object's members (docs/protocol.md#envelope-fields).</summary>
internal static partial class EnvelopeParser
{
    private enum Field
    {
        Unknown,
        ConnId,
        Frame,
        CloseCode,
        PushWake,
    }

    /// <summary>Reads every member of the root object; false if the message is not one valid JSON object.</summary>
    private static bool TryReadFields(ReadOnlySpan<byte> message, ref Fields fields)
    {
        var reader = new Utf8JsonReader(message, JsonBytes.EnvelopeOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                Field field = IdentifyKey(reader.ValueSpan, reader.ValueIsEscaped);
                reader.Read();
                ReadMember(ref reader, message, field, ref fields);
            }

            // The loop ended on the root's EndObject; with AllowMultipleValues off, trailing data throws here.
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void ReadMember(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> message, Field field, ref Fields fields)
    {
        JsonTokenType type = reader.TokenType;
        switch (field)
        {
            case Field.ConnId:
                fields.ConnIdWrongType = type is not (JsonTokenType.String or JsonTokenType.Null);
                fields.ConnIdRaw = type == JsonTokenType.String ? reader.ValueSpan : default;
                fields.ConnIdEscaped = type == JsonTokenType.String && reader.ValueIsEscaped;
                break;
            case Field.CloseCode:
                fields.CloseCode = 0;
                fields.CloseCodeWrongType = type != JsonTokenType.Null
                    && !(type == JsonTokenType.Number && TryParseCloseCode(reader.ValueSpan, out fields.CloseCode));
                break;
            case Field.Frame:
                fields.Frame = ReadValueSpan(ref reader, message);
                return;
            case Field.PushWake:
                fields.PushWake = ReadValueSpan(ref reader, message);
                return;
            default:
                break;
        }

        if (type is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }
    }

    /// <summary>The exact bytes of the current value (skipping over a container); empty for <c>null</c>.</summary>
    private static ReadOnlySpan<byte> ReadValueSpan(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> message)
    {
        JsonTokenType type = reader.TokenType;
        if (type == JsonTokenType.Null)
        {
            return default;
        }

        int start = (int)reader.TokenStartIndex;
        if (type is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        return message[start..(int)reader.BytesConsumed];
    }

    /// <summary>Parses a number token's raw text as an integer literal 0–65535 (digits only; JSON forbids leading zeros).</summary>
    private static bool TryParseCloseCode(ReadOnlySpan<byte> number, out int value)
    {
        value = 0;
        if (number.Length > 5)
        {
            return false;
        }

        foreach (byte c in number)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return value <= ushort.MaxValue;
    }

    private static Field IdentifyKey(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!escaped)
        {
            return Match(raw);
        }

        Span<byte> unescaped = stackalloc byte[16];
        return JsonStringUnescaper.TryUnescape(raw, unescaped, out int written) ? Match(unescaped[..written]) : Field.Unknown;
    }

    private static Field Match(ReadOnlySpan<byte> key) => key.Length switch
    {
        7 when key.SequenceEqual("conn_id"u8) => Field.ConnId,
        5 when key.SequenceEqual("frame"u8) => Field.Frame,
        10 when key.SequenceEqual("close_code"u8) => Field.CloseCode,
        9 when key.SequenceEqual("push_wake"u8) => Field.PushWake,
        _ => Field.Unknown,
    };

    /// <summary>The last occurrence of each known member.</summary>
    private ref struct Fields
    {
        public ReadOnlySpan<byte> ConnIdRaw;
        public bool ConnIdEscaped;
        public bool ConnIdWrongType;
        public ReadOnlySpan<byte> Frame;
        public int CloseCode;
        public bool CloseCodeWrongType;
        public ReadOnlySpan<byte> PushWake;
    }
}
