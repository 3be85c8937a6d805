namespace PyrycodeRelay.GoCompat;

/// <summary>
/// Value parsers with the outcomes of Go's <c>flag</c> package: a value either parses, or fails with
/// <see cref="ParseError"/> (syntax) or <see cref="RangeError"/> (overflow).
/// </summary>
internal static class GoParse
{
    /// <summary>Go's <c>errParse</c> text.</summary>
    public const string ParseError = "parse error";

    /// <summary>Go's <c>errRange</c> text.</summary>
    public const string RangeError = "value out of range";

    /// <summary>Go's <c>strconv.ParseBool</c>: <c>1 t T TRUE true True</c> / <c>0 f F FALSE false False</c>.</summary>
    public static bool TryParseBool(string text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>
    /// Parses a signed integer within [<paramref name="min"/>, <paramref name="max"/>]. Accepted: decimal
    /// with an optional <c>+</c>/<c>-</c> sign (leading zeros stay decimal), and Go's <c>0x</c>, <c>0o</c>,
    /// <c>0b</c> prefixes (either case) after the sign. Returns null on success, else the Go error text.
    /// </summary>
    public static string? TryParseInteger(string text, long min, long max, out long value)
    {
        value = 0;
        var s = text.AsSpan();
        var negative = false;
        if (!s.IsEmpty && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        var radix = 10;
        if (s.Length > 2 && s[0] == '0')
        {
            switch (s[1])
            {
                case 'x' or 'X': radix = 16; s = s[2..]; break;
                case 'o' or 'O': radix = 8; s = s[2..]; break;
                case 'b' or 'B': radix = 2; s = s[2..]; break;
                default: break;
            }
        }

        if (s.IsEmpty)
        {
            return ParseError;
        }

        foreach (var c in s)
        {
            if (DigitValue(c) >= radix)
            {
                return ParseError;
            }
        }

        // Magnitude up to 2^63 (so that long.MinValue parses).
        ulong magnitude = 0;
        const ulong Limit = (ulong)long.MaxValue + 1;
        foreach (var c in s)
        {
            var d = (ulong)DigitValue(c);
            if (magnitude > (Limit - d) / (ulong)radix)
            {
                return RangeError;
            }

            magnitude = (magnitude * (ulong)radix) + d;
        }

        if (!negative && magnitude > long.MaxValue)
        {
            return RangeError;
        }

        var signed = negative ? (long)(0 - magnitude) : (long)magnitude;
        if (signed < min || signed > max)
        {
            return RangeError;
        }

        value = signed;
        return null;
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => int.MaxValue,
    };
}
