using System.Buffers;
using System.Globalization;
using System.Text;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>
/// The text format's quoting rule (operations.md §18.1), as Go's <c>log/slog</c> text handler applies it:
/// a value is written bare unless it is empty or contains a space, <c>=</c>, <c>"</c>, a non-printable
/// character or invalid UTF-16 (a lone surrogate, the .NET counterpart of invalid UTF-8); then it is
/// written in double quotes with escapes in the style of Go's <c>strconv.Quote</c>.
/// </summary>
internal static class TextQuoting
{
    /// <summary>ASCII characters that never cause quoting: printable, other than space, <c>=</c> and <c>"</c>.</summary>
    private static readonly SearchValues<char> BareAscii =
        SearchValues.Create("!#$%&'()*+,-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Whether <paramref name="text"/> must be written quoted.</summary>
    public static bool NeedsQuoting(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return true;
        }

        // Vectorised skip over the common case; then look at the rest rune by rune.
        var i = text.IndexOfAnyExcept(BareAscii);
        if (i < 0)
        {
            return false;
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (c < 0x80)
            {
                if (!BareAscii.Contains(c))
                {
                    return true;
                }

                i++;
                continue;
            }

            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var used) != OperationStatus.Done || !IsPrint(rune))
            {
                return true;
            }

            i += used;
        }

        return false;
    }

    /// <summary>Appends <paramref name="text"/> bare, or quoted and escaped when <see cref="NeedsQuoting"/>.</summary>
    public static void Append(ref LineBuffer buffer, scoped ReadOnlySpan<char> text)
    {
        if (NeedsQuoting(text))
        {
            AppendQuoted(ref buffer, text);
        }
        else
        {
            buffer.Append(text);
        }
    }

    /// <summary>
    /// Appends <paramref name="text"/> in double quotes: <c>"</c> and <c>\</c> get a backslash; <c>\a \b \f \n
    /// \r \t \v</c>; other ASCII controls <c>\xHH</c>; other non-printable runes <c>\uHHHH</c> or
    /// <c>\UHHHHHHHH</c>; a lone surrogate <c>\uHHHH</c> (its code unit). Printable runes are kept.
    /// </summary>
    public static void AppendQuoted(ref LineBuffer buffer, scoped ReadOnlySpan<char> text)
    {
        buffer.Append('"');
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c < 0x80)
            {
                i++;
                if (c is '"' or '\\')
                {
                    buffer.Append('\\');
                    buffer.Append(c);
                }
                else if (c is >= ' ' and < (char)0x7f)
                {
                    buffer.Append(c);
                }
                else
                {
                    AppendAsciiEscape(ref buffer, c);
                }

                continue;
            }

            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var used) != OperationStatus.Done)
            {
                AppendHex(ref buffer, 'u', c, 4);
                i++;
                continue;
            }

            if (IsPrint(rune))
            {
                buffer.Append(text.Slice(i, used));
            }
            else if (rune.Value < 0x10000)
            {
                AppendHex(ref buffer, 'u', rune.Value, 4);
            }
            else
            {
                AppendHex(ref buffer, 'U', rune.Value, 8);
            }

            i += used;
        }

        buffer.Append('"');
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

    private static void AppendAsciiEscape(ref LineBuffer buffer, char c)
    {
        var shortForm = c switch
        {
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
            buffer.Append('\\');
            buffer.Append(shortForm);
        }
        else
        {
            AppendHex(ref buffer, 'x', c, 2);
        }
    }

    /// <summary>Appends <c>\</c>, <paramref name="kind"/> and <paramref name="digits"/> lowercase hex digits.</summary>
    internal static void AppendHex(ref LineBuffer buffer, char kind, int value, int digits)
    {
        buffer.Append('\\');
        buffer.Append(kind);
        for (var shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        {
            buffer.Append("0123456789abcdef"[(value >> shift) & 0xF]);
        }
    }
}
