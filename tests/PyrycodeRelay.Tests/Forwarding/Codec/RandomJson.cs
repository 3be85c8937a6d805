using System.Globalization;
using System.Text;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

/// <summary>A small generator of random, valid RFC 8259 JSON texts (seeded; no surrounding whitespace).</summary>
internal sealed class RandomJson(Random rng)
{
    private static readonly string[] Whitespace = ["", "", "", " ", "\t", "\n", "\r\n", "  \n\t "];

    private static readonly string[] StringPieces =
    [
        "a", "Z", "0", " ", "<", ">", "&", "'", "/", "{", "}", "[", "]", ":", ",", "conn_id", "frame", "\u007f",
        "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041", "\\u00E9", "\\u4e2d", "\\u0000", "\\u001f",
        "\\ud83d\\ude00", "\\uD800", "\\udfff", "é", "中", "😀", "\uFEFF", "\u2028", "\u0080", "\uFFFF",
    ];

    public string Value(int maxDepth)
    {
        int pick = rng.Next(maxDepth > 0 ? 10 : 7);
        return pick switch
        {
            0 => "null",
            1 => "true",
            2 => "false",
            3 or 4 => Number(),
            5 or 6 => String(),
            7 => Array(maxDepth),
            8 => Object(maxDepth),
            _ => rng.Next(20) == 0 ? DeepChain() : Object(maxDepth),
        };
    }

    public string Ws() => Whitespace[rng.Next(Whitespace.Length)];

    public string String()
    {
        var sb = new StringBuilder("\"");
        int n = rng.Next(12);
        for (int i = 0; i < n; i++)
        {
            sb.Append(StringPieces[rng.Next(StringPieces.Length)]);
        }

        return sb.Append('"').ToString();
    }

    public string Number()
    {
        var sb = new StringBuilder();
        if (rng.Next(3) == 0)
        {
            sb.Append('-');
        }

        if (rng.Next(4) == 0)
        {
            sb.Append('0');
        }
        else
        {
            sb.Append((char)('1' + rng.Next(9)));
            Digits(sb, rng.Next(20));
        }

        if (rng.Next(3) == 0)
        {
            sb.Append('.');
            Digits(sb, 1 + rng.Next(10));
        }

        if (rng.Next(3) == 0)
        {
            sb.Append(rng.Next(2) == 0 ? 'e' : 'E').Append(new[] { "", "+", "-" }[rng.Next(3)]);
            Digits(sb, 1 + rng.Next(3));
        }

        return sb.ToString();
    }

    private string Array(int maxDepth)
    {
        int n = rng.Next(5);
        var items = new List<string>();
        for (int i = 0; i < n; i++)
        {
            items.Add(Ws() + Value(maxDepth - 1) + Ws());
        }

        return n == 0 ? "[" + Ws() + "]" : "[" + string.Join(",", items) + "]";
    }

    private string Object(int maxDepth)
    {
        int n = rng.Next(5);
        var members = new List<string>();
        for (int i = 0; i < n; i++)
        {
            members.Add(Ws() + String() + Ws() + ":" + Ws() + Value(maxDepth - 1) + Ws());
        }

        return n == 0 ? "{" + Ws() + "}" : "{" + string.Join(",", members) + "}";
    }

    /// <summary>Arrays nested 60–120 deep around a primitive (crosses the 64-level mark).</summary>
    private string DeepChain()
    {
        int depth = 60 + rng.Next(61);
        return new string('[', depth) + Number() + new string(']', depth);
    }

    private void Digits(StringBuilder sb, int count)
    {
        for (int i = 0; i < count; i++)
        {
            sb.Append(rng.Next(10).ToString(CultureInfo.InvariantCulture));
        }
    }
}
