using System.Buffers;
using System.Globalization;
using System.Text;

namespace PyrycodeRelay.GoCompat;

/// <summary>
/// Double-quoted string literals in the style of Go's <c>strconv.Quote</c> (<c>%q</c>): the text in
/// <c>"</c> with <c>"</c> and <c>\</c> backslash-escaped; <c>\a \b \f \n \r \t \v</c>; other ASCII controls
/// <c>\xHH</c>; other non-printable runes <c>\uHHHH</c> or <c>\UHHHHHHHH</c>; a lone surrogate (the .NET
/// counterpart of invalid UTF-8) <c>\uHHHH</c> of its code unit. Printable runes are kept. Used for
/// user-supplied values inside error texts and, allocation-free through <see cref="Write"/>, by the text
/// log format.
/// </summary>
public static class GoQuote
{
    /// <summary>The longest escape of one rune: <c>\UHHHHHHHH</c>.</summary>
    private const int MaxEscapeLength = 10;

    /// <summary>Printable ASCII other than <c>"</c> and <c>\</c>: copied as is.</summary>
    private static readonly SearchValues<char> Plain =
        SearchValues.Create(" !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Returns <paramref name="value"/> as a Go-quoted literal, e.g. <c>" 1"</c> → <c>"\" 1\""</c>.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return string.Create(QuotedLength(value), value, static (destination, v) => Write(v, destination));
    }

    /// <summary>The length of the quoted literal of <paramref name="text"/>, quotes included.</summary>
    public static int QuotedLength(ReadOnlySpan<char> text) => Walk(text, [], write: false);

    /// <summary>
    /// Writes the quoted literal of <paramref name="text"/> into <paramref name="destination"/>, which must hold
    /// <see cref="QuotedLength"/> characters; returns the number written.
    /// </summary>
    public static int Write(ReadOnlySpan<char> text, Span<char> destination) => Walk(text, destination, write: true);

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

    /// <summary>Measures (<paramref name="write"/> false) or writes the quoted literal; returns its length.</summary>
    private static int Walk(ReadOnlySpan<char> text, Span<char> destination, bool write)
    {
        Span<char> scratch = stackalloc char[MaxEscapeLength];
        if (write)
        {
            destination[0] = '"';
        }

        var n = 1;
        var i = 0;
        while (i < text.Length)
        {
            var run = text[i..].IndexOfAnyExcept(Plain);
            run = run < 0 ? text.Length - i : run;
            if (write)
            {
                text.Slice(i, run).CopyTo(destination[n..]);
            }

            n += run;
            i += run;
            if (i < text.Length)
            {
                var piece = Escape(text, ref i, scratch);
                if (write)
                {
                    piece.CopyTo(destination[n..]);
                }

                n += piece.Length;
            }
        }

        if (write)
        {
            destination[n] = '"';
        }

        return n + 1;
    }

    /// <summary>The text for the rune at <paramref name="i"/> (advanced past it): the rune itself or its escape.</summary>
    private static ReadOnlySpan<char> Escape(ReadOnlySpan<char> text, ref int i, Span<char> scratch)
    {
        var c = text[i];
        if (c < 0x80)
        {
            i++;
            var shortForm = c switch
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
                _ => '\0',
            };

            if (shortForm != '\0')
            {
                scratch[0] = '\\';
                scratch[1] = shortForm;
                return scratch[..2];
            }

            return Hex(scratch, 'x', c, 2);
        }

        if (Rune.DecodeFromUtf16(text[i..], out var rune, out var used) != OperationStatus.Done)
        {
            i++;
            return Hex(scratch, 'u', c, 4); // a lone surrogate: its code unit
        }

        var start = i;
        i += used;
        if (IsPrint(rune))
        {
            return text.Slice(start, used);
        }

        return rune.Value < 0x10000 ? Hex(scratch, 'u', rune.Value, 4) : Hex(scratch, 'U', rune.Value, 8);
    }

    /// <summary>Writes <c>\</c>, <paramref name="kind"/> and <paramref name="digits"/> lowercase hex digits.</summary>
    private static Span<char> Hex(Span<char> scratch, char kind, int value, int digits)
    {
        scratch[0] = '\\';
        scratch[1] = kind;
        for (var d = 0; d < digits; d++)
        {
            scratch[2 + d] = "0123456789abcdef"[(value >> ((digits - 1 - d) * 4)) & 0xF];
        }

        return scratch[..(2 + digits)];
    }
}
