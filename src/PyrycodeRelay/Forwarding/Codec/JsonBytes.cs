using System.Buffers;
using System.Text.Json;

namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>Byte-level helpers and reader options shared by the phone-frame validator and the envelope parser.</summary>
internal static class JsonBytes
{
    /// <summary>JSON whitespace per RFC 8259 §2: space, horizontal tab, line feed, carriage return.</summary>
    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\n\r"u8);

    /// <summary>Strict RFC 8259 reader options for a phone frame (no comments, no trailing commas, one value).</summary>
    public static readonly JsonReaderOptions FrameOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        AllowMultipleValues = false,
        MaxDepth = CodecLimits.MaxFrameDepth,
    };

    /// <summary>Strict RFC 8259 reader options for a binary envelope.</summary>
    public static readonly JsonReaderOptions EnvelopeOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        AllowMultipleValues = false,
        MaxDepth = CodecLimits.MaxEnvelopeDepth,
    };

    /// <summary>The UTF-8 byte-order mark.</summary>
    public static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Index of the first byte that is not JSON whitespace, or -1 if there is none.</summary>
    public static int IndexOfNonWhitespace(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept(Whitespace);
}
