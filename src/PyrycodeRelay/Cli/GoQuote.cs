using System.Globalization;
using System.Text;

namespace PyrycodeRelay.Cli;

/// <summary>
/// Double-quoted string literals in the style of Go's <c>strconv.Quote</c> (<c>%q</c>): the text in
/// <c>"</c> with <c>"</c>, <c>\</c> and every non-printable character backslash-escaped. Used wherever the
/// spec quotes a user-supplied value inside an error text (flag errors, env validator, addresses).
/// </summary>
public static class GoQuote
{
    /// <summary>Returns <paramref name="value"/> as a Go-quoted literal, e.g. <c>" 1"</c> → <c>"\" 1\""</c>.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        var i = 0;
        while (i < value.Length)
        {
            var status = Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                // A lone surrogate: not printable, escape the code unit.
                AppendHex(sb, 'u', value[i], 4);
                i++;
                continue;
            }

            AppendRune(sb, rune);
            i += consumed;
        }

        sb.Append('"');
        return sb.ToString();
    }

    private static void AppendRune(StringBuilder sb, Rune rune)
    {
        var v = rune.Value;
        switch (v)
        {
            case '"': sb.Append("\\\""); return;
            case '\\': sb.Append("\\\\"); return;
            case '\a': sb.Append("\\a"); return;
            case '\b': sb.Append("\\b"); return;
            case '\f': sb.Append("\\f"); return;
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
            case '\v': sb.Append("\\v"); return;
            default: break;
        }

        if (IsPrint(rune))
        {
            sb.Append(rune.ToString());
        }
        else if (v < 0x80)
        {
            AppendHex(sb, 'x', v, 2);
        }
        else if (v < 0x10000)
        {
            AppendHex(sb, 'u', v, 4);
        }
        else
        {
            AppendHex(sb, 'U', v, 8);
        }
    }

    /// <summary>Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    internal static bool IsPrint(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.OtherLetter:
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.SpacingCombiningMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.LetterNumber:
            case UnicodeCategory.OtherNumber:
            case UnicodeCategory.ConnectorPunctuation:
            case UnicodeCategory.DashPunctuation:
            case UnicodeCategory.OpenPunctuation:
            case UnicodeCategory.ClosePunctuation:
            case UnicodeCategory.InitialQuotePunctuation:
            case UnicodeCategory.FinalQuotePunctuation:
            case UnicodeCategory.OtherPunctuation:
            case UnicodeCategory.MathSymbol:
            case UnicodeCategory.CurrencySymbol:
            case UnicodeCategory.ModifierSymbol:
            case UnicodeCategory.OtherSymbol:
                return true;
            default:
                return false;
        }
    }

    private static void AppendHex(StringBuilder sb, char kind, int value, int digits)
    {
        sb.Append('\\').Append(kind);
        sb.Append(value.ToString("x" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }
}
