using System.Globalization;
using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// A strict parser for the text format: <c>key=value</c> tokens separated by single spaces; a value is
/// bare (no space, <c>=</c> or <c>"</c>) or a Go-quoted string (<c>\" \\ \a \b \f \n \r \t \v \xHH
/// \uHHHH \UHHHHHHHH</c>). Throws <see cref="FormatException"/> on anything else.
/// </summary>
internal static class TextLineParser
{
    /// <summary>The key/value pairs of <paramref name="line"/> in order, values unquoted.</summary>
    public static List<KeyValuePair<string, string>> Parse(string line)
    {
        var result = new List<KeyValuePair<string, string>>();
        var i = 0;
        while (i < line.Length)
        {
            if (result.Count > 0)
            {
                Expect(line, ref i, ' ');
            }

            var keyStart = i;
            while (i < line.Length && line[i] is not ('=' or ' ' or '"'))
            {
                i++;
            }

            if (i == keyStart)
            {
                throw new FormatException($"empty key at {i} in: {line}");
            }

            var key = line[keyStart..i];
            Expect(line, ref i, '=');
            var value = i < line.Length && line[i] == '"' ? ReadQuoted(line, ref i) : ReadBare(line, ref i);
            result.Add(new(key, value));
        }

        return result;
    }

    private static string ReadBare(string line, ref int i)
    {
        var start = i;
        while (i < line.Length && line[i] != ' ')
        {
            if (line[i] is '=' or '"' || char.IsControl(line[i]))
            {
                throw new FormatException($"bare value with '{line[i]}' at {i} in: {line}");
            }

            i++;
        }

        if (i == start)
        {
            throw new FormatException($"empty bare value at {i} in: {line}");
        }

        return line[start..i];
    }

    private static string ReadQuoted(string line, ref int i)
    {
        i++; // opening quote
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= line.Length)
            {
                throw new FormatException($"unterminated quote in: {line}");
            }

            var c = line[i++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            var e = line[i++];
            switch (e)
            {
                case '"' or '\\': sb.Append(e); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x': sb.Append((char)Hex(line, ref i, 2)); break;
                case 'u': sb.Append((char)Hex(line, ref i, 4)); break;
                case 'U': sb.Append(char.ConvertFromUtf32(Hex(line, ref i, 8))); break;
                default: throw new FormatException($"bad escape \\{e} in: {line}");
            }
        }
    }

    private static int Hex(string line, ref int i, int digits)
    {
        var value = int.Parse(line.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        i += digits;
        return value;
    }

    private static void Expect(string line, ref int i, char c)
    {
        if (i >= line.Length || line[i] != c)
        {
            throw new FormatException($"expected '{c}' at {i} in: {line}");
        }

        i++;
    }
}
