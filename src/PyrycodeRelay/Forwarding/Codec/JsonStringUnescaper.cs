using System.Text;

namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>Allocation-free, exception-free unescaping of the raw content of a JSON string literal.</summary>
internal static class JsonStringUnescaper
{
    /// <summary>
    /// Unescapes <paramref name="source"/> (the bytes between the quotes of a JSON string) into
    /// <paramref name="destination"/> as UTF-8. Returns false, with <paramref name="written"/> unspecified, if the
    /// result does not fit, if an escape is malformed, or if the value contains a lone surrogate escape (such a
    /// string has no UTF-8 form; it is valid JSON but can equal no key and no conn_id).
    /// </summary>
    public static bool TryUnescape(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        written = 0;
        while (true)
        {
            int backslash = source.IndexOf((byte)'\\');
            int run = backslash < 0 ? source.Length : backslash;
            if (run > destination.Length - written)
            {
                return false;
            }

            source[..run].CopyTo(destination[written..]);
            written += run;
            if (backslash < 0)
            {
                return true;
            }

            source = source[backslash..];
            if (!TryDecodeEscape(ref source, out uint scalar))
            {
                return false;
            }

            if (!new Rune(scalar).TryEncodeToUtf8(destination[written..], out int encoded))
            {
                return false;
            }

            written += encoded;
        }
    }

    /// <summary>Decodes the escape at the start of <paramref name="source"/> (which begins with <c>\</c>) and advances past it.</summary>
    private static bool TryDecodeEscape(ref ReadOnlySpan<byte> source, out uint scalar)
    {
        scalar = 0;
        if (source.Length < 2)
        {
            return false;
        }

        switch (source[1])
        {
            case (byte)'"': scalar = '"'; break;
            case (byte)'\\': scalar = '\\'; break;
            case (byte)'/': scalar = '/'; break;
            case (byte)'b': scalar = '\b'; break;
            case (byte)'f': scalar = '\f'; break;
            case (byte)'n': scalar = '\n'; break;
            case (byte)'r': scalar = '\r'; break;
            case (byte)'t': scalar = '\t'; break;
            case (byte)'u': return TryDecodeUnicodeEscape(ref source, out scalar);
            default: return false;
        }

        source = source[2..];
        return true;
    }

    private static bool TryDecodeUnicodeEscape(ref ReadOnlySpan<byte> source, out uint scalar)
    {
        scalar = 0;
        if (source.Length < 6 || !TryParseHex4(source.Slice(2, 4), out uint unit))
        {
            return false;
        }

        source = source[6..];
        if (unit is < 0xD800 or > 0xDFFF)
        {
            scalar = unit;
            return true;
        }

        // A high surrogate must be followed by an escaped low surrogate; anything else is a lone surrogate.
        if (unit > 0xDBFF || source.Length < 6 || source[0] != (byte)'\\' || source[1] != (byte)'u'
            || !TryParseHex4(source.Slice(2, 4), out uint low) || low is < 0xDC00 or > 0xDFFF)
        {
            return false;
        }

        source = source[6..];
        scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        return true;
    }

    private static bool TryParseHex4(ReadOnlySpan<byte> hex, out uint value)
    {
        value = 0;
        foreach (byte c in hex)
        {
            uint digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => (uint)(c - '0'),
                >= (byte)'a' and <= (byte)'f' => (uint)(c - 'a' + 10),
                >= (byte)'A' and <= (byte)'F' => (uint)(c - 'A' + 10),
                _ => uint.MaxValue,
            };
            if (digit == uint.MaxValue)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }
}
