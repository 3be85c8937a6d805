using System.Text;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

/// <summary>Shared helpers for codec tests.</summary>
internal static class CodecTestData
{
    /// <summary>A conn_id as the relay would issue for server-id <c>s1</c>.</summary>
    public const string P1 = "client-s1-0123456789abcdef";

    /// <summary>A second conn_id for server-id <c>s1</c>.</summary>
    public const string P3 = "client-s1-fedcba9876543210";

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Bytes from a mix of ASCII text and <c>\xHH</c> escapes (test notation, not JSON).</summary>
    public static byte[] Bytes(string notation)
    {
        var result = new List<byte>();
        for (int i = 0; i < notation.Length; i++)
        {
            if (notation[i] == '\\' && i + 3 < notation.Length && notation[i + 1] == 'x')
            {
                result.Add(Convert.ToByte(notation.Substring(i + 2, 2), 16));
                i += 3;
            }
            else
            {
                result.AddRange(Encoding.UTF8.GetBytes(notation[i].ToString()));
            }
        }

        return result.ToArray();
    }

    public static string Nested(char open, char close, int depth) =>
        new string(open, depth) + new string(close, depth);

    /// <summary><c>{"a":{"a":...{"a":1}...}}</c> with <paramref name="depth"/> objects.</summary>
    public static string NestedObjects(int depth)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < depth - 1; i++)
        {
            sb.Append("{\"a\":");
        }

        sb.Append("{\"a\":1}");
        sb.Append('}', depth - 1);
        return sb.ToString();
    }
}
