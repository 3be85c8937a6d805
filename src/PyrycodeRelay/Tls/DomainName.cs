namespace PyrycodeRelay.Tls;

/// <summary>ASCII-only name comparisons for the SNI policy (docs/operations.md#sni-policy) and the Host gate (docs/operations.md#host-gate).</summary>
internal static class DomainName
{
    /// <summary>The name used for issuance and the cache file: one trailing dot removed, ASCII lower case.</summary>
    public static string Normalize(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var trimmed = domain.EndsWith('.') ? domain[..^1] : domain;
        return string.Create(trimmed.Length, trimmed, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsAsciiLetterUpper(s[i]) ? (char)(s[i] | 0x20) : s[i];
            }
        });
    }

    /// <summary>True when both spans are equal ignoring the case of ASCII letters only.</summary>
    public static bool AsciiEqualsIgnoreCase(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x != y && !(char.IsAsciiLetter(x) && (x | 0x20) == (y | 0x20)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>SNI policy: the name equals the domain, ASCII case-insensitive, a trailing dot on either ignored.</summary>
    public static bool SniMatches(string? serverName, string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (string.IsNullOrEmpty(serverName))
        {
            return false;
        }

        return AsciiEqualsIgnoreCase(TrimDot(serverName), TrimDot(domain));
    }

    /// <summary>Host gate: the Host value with any <c>:port</c> removed equals the domain, ASCII case-insensitive.</summary>
    public static bool HostMatches(ReadOnlySpan<char> host, string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (host.IsEmpty || domain.Length == 0)
        {
            return false;
        }

        if (host[0] == '[')
        {
            var close = host.IndexOf(']');
            host = close < 0 ? host : host[1..close];
        }
        else
        {
            var colon = host.LastIndexOf(':');
            if (colon >= 0 && host.IndexOf(':') == colon)
            {
                host = host[..colon];
            }
        }

        return AsciiEqualsIgnoreCase(host, domain);
    }

    private static ReadOnlySpan<char> TrimDot(string s) => s.EndsWith('.') ? s.AsSpan(0, s.Length - 1) : s.AsSpan();
}
