using System.Buffers;
using System.Globalization;
using System.Text;

namespace PyrycodeRelay.GoCompat;

/// <summary>
/// Double-quoted string literals in the style of Go's <c>strconv.Quote</c> (<c>%q</c>): the text in
/// <c>"</c> with <c>"</c> and <c>\</c> backslash-escaped; <c>\a \b \f \n \r \t \v</c>; other ASCII controls
/// <c>\xHH</c>; other non-printable runes <c>\uHHHH</c> or <c>\UHHHHHHHH</c>; a lone surrogate (the .NET
/// counterpart of invalid UTF-8) <c>\uHHHH</c> of its code unit. Printable runes are kept. Used for
/// user-supplied values inside error texts and, allocation-free through <see cref="TryWrite"/>, by the text
/// log format.
/// </summary>
internal static class GoQuote
{
    /// <summary>Printable ASCII other than <c>"</c> and <c>\</c>: copied as is.</summary>
    private static readonly SearchValues<char> Plain =
        SearchValues.Create(" !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Returns <paramref name="value"/> as a Go-quoted literal, e.g. <c>" 1"</c> → <c>"\" 1\""</c>.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return string.Create(QuotedLength(value), value, static (destination, v) => TryWrite(v, destination, out _));
    }

    /// <summary>The length of the quoted literal of <paramref name="text"/>, quotes included.</summary>
    public static int QuotedLength(ReadOnlySpan<char> text)
    {
        var n = 2;
        var i = 0;
        while (i < text.Length)
        {
            var run = PlainRun(text, i);
            n += run;
            i += run;
            if (i < text.Length)
            {
                n += Escape(text, i, out var used, out _, out _);
                i += used;
            }
        }

        return n;
    }

    /// <summary>
    /// Writes the quoted literal of <paramref name="text"/> into <paramref name="destination"/> in one pass.
    /// Returns false when it does not fit (<see cref="QuotedLength"/> says how much room it needs).
    /// </summary>
    public static bool TryWrite(ReadOnlySpan<char> text, Span<char> destination, out int written)
    {
        written = 0;
        if (destination.Length < text.Length + 2)
        {
            return false;
        }

        destination[0] = '"';
        var w = 1;
        var i = 0;
        while (i < text.Length)
        {
            var run = PlainRun(text, i);
            if (w + run > destination.Length)
            {
                return false;
            }

            text.Slice(i, run).CopyTo(destination[w..]);
            w += run;
            i += run;
            if (i < text.Length)
            {
                var length = Escape(text, i, out var used, out var kind, out var value);
                if (w + length > destination.Length)
                {
                    return false;
                }

                WriteEscape(text.Slice(i, used), destination.Slice(w, length), kind, value);
                w += length;
                i += used;
            }
        }

        if (w == destination.Length)
        {
            return false;
        }

        destination[w++] = '"';
        written = w;
        return true;
    }

    /// <summary>Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    public static bool IsPrint(Rune rune)
    {
        if (rune.Value < 0x80)
        {
            return rune.Value is >= 0x20 and < 0x7f;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };
    }

    private static int PlainRun(ReadOnlySpan<char> text, int i)
    {
        var run = text[i..].IndexOfAnyExcept(Plain);
        return run < 0 ? text.Length - i : run;
    }

    /// <summary>
    /// How the rune at <paramref name="i"/> (<paramref name="used"/> chars) is written; returns the output length.
    /// <paramref name="kind"/> is <c>\0</c> for the rune itself, a short escape letter (<c>n</c>, <c>"</c>, …) for
    /// two characters, or <c>x</c>/<c>u</c>/<c>U</c> for <paramref name="value"/> in hex.
    /// </summary>
    private static int Escape(ReadOnlySpan<char> text, int i, out int used, out char kind, out int value)
    {
        var c = text[i];
        used = 1;
        value = c;
        if (c < 0x80)
        {
            kind = c switch
            {
                '"' => '"',
                '\\' => '\\',
                '\a' => 'a',
                '\b' => 'b',
                '\f' => 'f',
                '\n' => 'n',
                '\r' => 'r',
                '\t' => 't',
                '\v' => 'v',
                _ => 'x',
            };
            return kind == 'x' ? 4 : 2;
        }

        if (Rune.DecodeFromUtf16(text[i..], out var rune, out used) != OperationStatus.Done)
        {
            used = 1;
            kind = 'u'; // a lone surrogate: its code unit
            return 6;
        }

        if (IsPrint(rune))
        {
            kind = '\0';
            return used;
        }

        value = rune.Value;
        kind = value < 0x10000 ? 'u' : 'U';
        return kind == 'u' ? 6 : 10;
    }

    private static void WriteEscape(ReadOnlySpan<char> rune, Span<char> destination, char kind, int value)
    {
        if (kind == '\0')
        {
            rune.CopyTo(destination);
            return;
        }

        destination[0] = '\\';
        destination[1] = kind;
        for (var d = destination.Length - 1; d >= 2; d--, value >>= 4)
        {
            destination[d] = "0123456789abcdef"[value & 0xF];
        }
    }
}
