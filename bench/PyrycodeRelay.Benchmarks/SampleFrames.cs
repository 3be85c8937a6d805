using System.Globalization;
using System.Text;

namespace PyrycodeRelay.Benchmarks;

/// <summary>Deterministic JSON frames of an exact byte size.</summary>
internal static class SampleFrames
{
    /// <summary>An end-to-end encrypted frame as phones send it: <c>{"v":2,"type":"noise_msg","data":"&lt;base64&gt;"}</c>.</summary>
    public static byte[] Encrypted(int size)
    {
        const string Head = "{\"v\":2,\"type\":\"noise_msg\",\"data\":\"";
        const string Tail = "\"}";
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var sb = new StringBuilder(Head);
        for (int i = 0; sb.Length < size - Tail.Length; i++)
        {
            sb.Append(Alphabet[(i * 7) % Alphabet.Length]);
        }

        return Exact(sb.Append(Tail).ToString(), size);
    }

    /// <summary>A token-heavy frame (objects, arrays, numbers, escapes), padded to the exact size.</summary>
    public static byte[] Structured(int size)
    {
        var sb = new StringBuilder("{\"items\":[");
        for (int i = 0; sb.Length < size - 120; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append("{\"id\":").Append(i.ToString(CultureInfo.InvariantCulture))
              .Append(",\"ok\":true,\"v\":[1.5e3,-2,null],\"s\":\"a\\u00e9<&>\"}");
        }

        sb.Append("],\"pad\":\"");
        while (sb.Length < size - 2)
        {
            sb.Append('x');
        }

        return Exact(sb.Append("\"}").ToString(), size);
    }

    private static byte[] Exact(string json, int size)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        return bytes.Length == size
            ? bytes
            : throw new InvalidOperationException($"sample is {bytes.Length} bytes, wanted {size}");
    }
}
