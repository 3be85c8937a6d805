using System.Buffers;

namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>
/// Pure, incremental parser of the PROXY protocol header (docs/operations.md#proxy-protocol; HAProxy PROXY protocol v1 and
/// v2). Call <see cref="Parse"/> with everything received so far: it answers "need more", "invalid" or
/// "complete (consumed N)". It rejects as early as the bytes allow and never looks past the header.
/// </summary>
internal static partial class ProxyHeaderParser
{
    /// <summary>Longest v1 line including the CRLF.</summary>
    public const int MaxV1Length = 107;

    /// <summary>Fixed part of a v2 header: signature, version/command, family, length.</summary>
    public const int V2FixedLength = 16;

    /// <summary>Parses the start of <paramref name="buffer"/>.</summary>
    public static ProxyParseResult Parse(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return ProxyParseResult.NeedMore;
        }

        return buffer.FirstSpan[0] switch
        {
            (byte)'P' => ParseV1(buffer),
            0x0D => ParseV2(buffer),
            _ => ProxyParseResult.Invalid,
        };
    }

    /// <summary>Parses a contiguous buffer (convenience for tests and fuzzing).</summary>
    public static ProxyParseResult Parse(ReadOnlySpan<byte> buffer) =>
        Parse(new ReadOnlySequence<byte>(buffer.ToArray()));
}
