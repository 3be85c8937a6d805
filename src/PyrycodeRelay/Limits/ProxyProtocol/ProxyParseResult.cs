using System.Net;

namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>
/// The outcome of <see cref="ProxyHeaderParser.Parse"/>. When <see cref="Status"/> is
/// <see cref="ProxyParseStatus.Complete"/>, <see cref="Consumed"/> is the header length in bytes and
/// <see cref="Source"/>/<see cref="Destination"/> are the header's addresses; otherwise they are 0/null.
/// </summary>
internal readonly record struct ProxyParseResult(ProxyParseStatus Status, int Consumed, IPEndPoint? Source, IPEndPoint? Destination)
{
    /// <summary>More bytes are needed.</summary>
    public static ProxyParseResult NeedMore => new(ProxyParseStatus.NeedMore, 0, null, null);

    /// <summary>The header is not acceptable.</summary>
    public static ProxyParseResult Invalid => new(ProxyParseStatus.Invalid, 0, null, null);

    /// <summary>A complete header of <paramref name="consumed"/> bytes.</summary>
    public static ProxyParseResult Complete(int consumed, IPEndPoint source, IPEndPoint destination) =>
        new(ProxyParseStatus.Complete, consumed, source, destination);
}
