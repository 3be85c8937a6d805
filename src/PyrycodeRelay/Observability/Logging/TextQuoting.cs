using System.Buffers;
using System.Text;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>
/// The text format's quoting rule (docs/logging.md#formats), as Go's <c>log/slog</c> text handler applies it:
/// a value is written bare unless it is empty or contains a space, <c>=</c>, <c>"</c>, a non-printable
/// character or invalid UTF-16 (a lone surrogate, the .NET counterpart of invalid UTF-8); then it is
/// written as a Go-quoted literal (<see cref="GoQuote"/>, Go's <c>strconv.Quote</c>).
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

            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var used) != OperationStatus.Done || !GoQuote.IsPrint(rune))
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
    /// Appends <paramref name="text"/> as a Go-quoted literal (<see cref="GoQuote"/>), without allocating: one pass
    /// when a few escapes fit the room given, else measured first.
    /// </summary>
    private static void AppendQuoted(ref LineBuffer buffer, scoped ReadOnlySpan<char> text)
    {
        if (!GoQuote.TryWrite(text, buffer.GetSpan(text.Length + 16), out var written))
        {
            GoQuote.TryWrite(text, buffer.GetSpan(GoQuote.QuotedLength(text)), out written);
        }

        buffer.Advance(written);
    }
}
