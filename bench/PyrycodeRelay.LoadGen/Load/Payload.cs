using System.Buffers.Text;

namespace PyrycodeRelay.LoadGen.Load;

/// <summary>
/// The phone frame: one JSON object of an exact size,
/// <c>{"s":"&lt;seq, 16 hex&gt;","t":"&lt;send timestamp, 16 hex&gt;","p":"&lt;padding&gt;"}</c>.
/// The padding is a per-phone pattern, so a received frame is checked byte for byte against the template
/// (apart from the two hex fields) without building the expected frame.
/// </summary>
internal static class Payload
{
    /// <summary>Smallest frame size.</summary>
    public const int MinSize = 56;

    /// <summary>Offset of the sequence number's 16 hex digits.</summary>
    public const int SeqAt = 6;

    /// <summary>Offset of the timestamp's 16 hex digits.</summary>
    public const int TimeAt = 29;

    /// <summary>Offset of the padding.</summary>
    public const int PadAt = 52;

    /// <summary>Builds the template of a phone's frames (both hex fields zero).</summary>
    public static byte[] Template(int size, int phoneIndex)
    {
        if (size < MinSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"frames are at least {MinSize} bytes");
        }

        var t = new byte[size];
        "{\"s\":\""u8.CopyTo(t);
        t.AsSpan(SeqAt, 16).Fill((byte)'0');
        "\",\"t\":\""u8.CopyTo(t.AsSpan(22));
        t.AsSpan(TimeAt, 16).Fill((byte)'0');
        "\",\"p\":\""u8.CopyTo(t.AsSpan(45));
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (var i = PadAt; i < size - 2; i++)
        {
            t[i] = (byte)Alphabet[((i * 7) + phoneIndex) & 63];
        }

        "\"}"u8.CopyTo(t.AsSpan(size - 2));
        return t;
    }

    /// <summary>Writes 16 lowercase hex digits.</summary>
    public static void WriteHex(Span<byte> destination, ulong value) => Utf8Formatter.TryFormat(value, destination, out _, new System.Buffers.StandardFormat('x', 16));

    /// <summary>Parses 16 hex digits; false if they are not.</summary>
    public static bool TryReadHex(ReadOnlySpan<byte> source, out ulong value) =>
        Utf8Parser.TryParse(source[..16], out value, out var consumed, 'x') && consumed == 16;

    /// <summary>Checks everything but the two hex fields against the template.</summary>
    public static bool MatchesTemplate(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> template) =>
        frame.Length == template.Length
        && frame[..SeqAt].SequenceEqual(template[..SeqAt])
        && frame[(SeqAt + 16)..TimeAt].SequenceEqual(template[(SeqAt + 16)..TimeAt])
        && frame[(TimeAt + 16)..].SequenceEqual(template[(TimeAt + 16)..]);
}
