using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace PyrycodeRelay.Limits;

/// <summary>
/// Client-IP rules of docs/operations.md#client-ip: the peer address rendering used for <c>remote</c> in logs, and the
/// per-IP rate-limit key (optionally taken from <c>X-Forwarded-For</c>).
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
    /// The rate-limit key of the request. With <paramref name="trustForwardedFor"/>, the first entry of the
    /// first <c>X-Forwarded-For</c> header (text before the first comma, trimmed) when non-empty, verbatim;
    /// otherwise the peer IP. Empty when neither is known (such a request is denied without the limiter).
    /// </summary>
    public static string RateLimitKey(HttpContext context, bool trustForwardedFor)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (trustForwardedFor)
        {
            var forwarded = ForwardedKey(context.Request.Headers[ForwardedForHeader]);
            if (forwarded is not null)
            {
                return forwarded;
            }
        }

        return PeerIp(context);
    }

    /// <summary>
    /// The trusted forwarded key from the <c>X-Forwarded-For</c> values, or null when the header is absent
    /// or its first entry is blank.
    /// </summary>
    public static string? ForwardedKey(StringValues forwardedFor)
    {
        if (forwardedFor.Count == 0)
        {
            return null;
        }

        var value = forwardedFor[0];
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var span = value.AsSpan();
        var comma = span.IndexOf(',');
        if (comma >= 0)
        {
            span = span[..comma];
        }

        span = span.Trim();
        if (span.IsEmpty)
        {
            return null;
        }

        return span.Length == value.Length ? value : span.ToString();
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
