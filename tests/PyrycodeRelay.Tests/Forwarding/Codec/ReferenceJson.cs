namespace PyrycodeRelay.Tests.Forwarding.Codec;

/// <summary>
/// An independent, deliberately naive RFC 8259 + RFC 3629 validator used as a test oracle: recursive descent
/// over bytes, its own UTF-8 decoder, containers counted against <c>maxDepth</c>.
/// </summary>
internal static class ReferenceJson
{
    public static bool IsValid(ReadOnlySpan<byte> text, int maxDepth)
    {
        if (!IsUtf8(text))
        {
            return false;
        }

        int i = SkipWs(text, 0);
        if (!Value(text, ref i, 0, maxDepth))
        {
            return false;
        }

        return SkipWs(text, i) == text.Length;
    }

    private static int SkipWs(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            i++;
        }

        return i;
    }

    private static bool Value(ReadOnlySpan<byte> s, ref int i, int depth, int maxDepth)
    {
        if (i >= s.Length)
        {
            return false;
        }

        switch (s[i])
        {
            case (byte)'{':
            case (byte)'[':
                return Container(s, ref i, depth + 1, maxDepth);
            case (byte)'"':
                return String(s, ref i);
            case (byte)'t':
                return Literal(s, ref i, "true"u8);
            case (byte)'f':
                return Literal(s, ref i, "false"u8);
            case (byte)'n':
                return Literal(s, ref i, "null"u8);
            default:
                return Number(s, ref i);
        }
    }

    private static bool Container(ReadOnlySpan<byte> s, ref int i, int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            return false;
        }

        bool isObject = s[i] == (byte)'{';
        byte close = isObject ? (byte)'}' : (byte)']';
        i = SkipWs(s, i + 1);
        if (i < s.Length && s[i] == close)
        {
            i++;
            return true;
        }

        while (true)
        {
            if (isObject)
            {
                if (i >= s.Length || s[i] != (byte)'"' || !String(s, ref i))
                {
                    return false;
                }

                i = SkipWs(s, i);
                if (i >= s.Length || s[i] != (byte)':')
                {
                    return false;
                }

                i = SkipWs(s, i + 1);
            }

            if (!Value(s, ref i, depth, maxDepth))
            {
                return false;
            }

            i = SkipWs(s, i);
            if (i >= s.Length)
            {
                return false;
            }

            if (s[i] == close)
            {
                i++;
                return true;
            }

            if (s[i] != (byte)',')
            {
                return false;
            }

            i = SkipWs(s, i + 1);
        }
    }

    private static bool String(ReadOnlySpan<byte> s, ref int i)
    {
        i++;
        while (i < s.Length)
        {
            byte c = s[i];
            if (c == (byte)'"')
            {
                i++;
                return true;
            }

            if (c < 0x20)
            {
                return false;
            }

            if (c != (byte)'\\')
            {
                i++;
                continue;
            }

            if (i + 1 >= s.Length)
            {
                return false;
            }

            byte e = s[i + 1];
            if ("\"\\/bfnrt"u8.Contains(e))
            {
                i += 2;
            }
            else if (e == (byte)'u' && i + 5 < s.Length && IsHex(s[i + 2]) && IsHex(s[i + 3]) && IsHex(s[i + 4]) && IsHex(s[i + 5]))
            {
                i += 6;
            }
            else
            {
                return false;
            }
        }

        return false;
    }

    private static bool Number(ReadOnlySpan<byte> s, ref int i)
    {
        if (i < s.Length && s[i] == (byte)'-')
        {
            i++;
        }

        if (i < s.Length && s[i] == (byte)'0')
        {
            i++;
        }
        else if (i < s.Length && s[i] is >= (byte)'1' and <= (byte)'9')
        {
            Digits(s, ref i);
        }
        else
        {
            return false;
        }

        if (i < s.Length && s[i] == (byte)'.')
        {
            i++;
            if (Digits(s, ref i) == 0)
            {
                return false;
            }
        }

        if (i < s.Length && s[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < s.Length && s[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (Digits(s, ref i) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private static int Digits(ReadOnlySpan<byte> s, ref int i)
    {
        int start = i;
        while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9')
        {
            i++;
        }

        return i - start;
    }

    private static bool Literal(ReadOnlySpan<byte> s, ref int i, ReadOnlySpan<byte> literal)
    {
        if (!s[i..].StartsWith(literal))
        {
            return false;
        }

        i += literal.Length;
        return true;
    }

    private static bool IsHex(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    /// <summary>RFC 3629 §4 well-formed byte sequences.</summary>
    private static bool IsUtf8(ReadOnlySpan<byte> s)
    {
        int i = 0;
        while (i < s.Length)
        {
            byte b = s[i];
            (int n, byte lo, byte hi) = b switch
            {
                <= 0x7F => (0, (byte)0, (byte)0),
                >= 0xC2 and <= 0xDF => (1, (byte)0x80, (byte)0xBF),
                0xE0 => (2, (byte)0xA0, (byte)0xBF),
                >= 0xE1 and <= 0xEC => (2, (byte)0x80, (byte)0xBF),
                0xED => (2, (byte)0x80, (byte)0x9F),
                >= 0xEE and <= 0xEF => (2, (byte)0x80, (byte)0xBF),
                0xF0 => (3, (byte)0x90, (byte)0xBF),
                >= 0xF1 and <= 0xF3 => (3, (byte)0x80, (byte)0xBF),
                0xF4 => (3, (byte)0x80, (byte)0x8F),
                _ => (-1, (byte)0, (byte)0),
            };
            if (n < 0 || i + n >= s.Length)
            {
                return false;
            }

            for (int k = 1; k <= n; k++)
            {
                byte c = s[i + k];
                if (k == 1 ? c < lo || c > hi : c is < 0x80 or > 0xBF)
                {
                    return false;
                }
            }

            i += n + 1;
        }

        return true;
    }
}
