using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace PyrycodeRelay.Limits;

/// <summary>
/// Client-IP rules of docs/operations.md#client-ip: the peer address rendering used for <c>remote</c> in logs, and the
/// source key of the rate limiter and the per-source caps (optionally from <c>X-Forwarded-For</c>, see <see cref="ForwardedFor"/>).
/// </summary>
internal static class ClientIp
{
    /// <summary>The request header consulted when <c>--trust-x-forwarded-for</c> is on.</summary>
    public const string ForwardedForHeader = "X-Forwarded-For";

    /// <summary>
    /// Renders a peer address: IPv4-mapped IPv6 as dotted IPv4, IPv6 without brackets, nothing else changed.
    /// An unknown address (null) renders as the empty string.
    /// </summary>
    public static string FormatPeer(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        return address.ToString();
    }

    /// <summary>
    /// The peer IP of the request (the TCP peer, or the PROXY header source in PROXY mode), rendered by
    /// <see cref="FormatPeer"/>. This is the <c>remote</c> of every log line except <c>rate_limited</c>.
    /// </summary>
    public static string PeerIp(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return FormatPeer(context.Connection.RemoteIpAddress);
    }

    /// <summary>
    /// The source key of the request (<see cref="SourceKey"/>) for the rate limiter and the per-source caps: the
    /// client address chosen by <paramref name="forwardedFor"/> when <c>--trust-x-forwarded-for</c> is on (null when
    /// off), else the peer IP. Empty when neither is known (such a request is denied without the limiter).
    /// </summary>
    public static string RateLimitKey(HttpContext context, ForwardedFor? forwardedFor)
    {
        ArgumentNullException.ThrowIfNull(context);
        var peer = context.Connection.RemoteIpAddress;
        var client = forwardedFor is null ? peer : forwardedFor.Resolve(peer, context.Request.Headers[ForwardedForHeader]);
        return SourceKey.For(client);
    }

    /// <summary>
    /// The <c>remote</c> value of the <c>rate_limited</c> event: the key wrapped in double quotes
    /// (docs/operations.md#rate-limiting). The log formatter escapes it, so text output reads <c>remote="\"1.2.3.4\""</c>.
    /// </summary>
    public static string QuoteForRateLimitLog(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return string.Concat("\"", key, "\"");
    }
}
