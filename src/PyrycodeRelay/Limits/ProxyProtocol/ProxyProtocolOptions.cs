using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>Settings of <see cref="ProxyProtocolMiddleware"/>; built from <see cref="RelayOptions"/>.</summary>
internal sealed record ProxyProtocolOptions
{
    /// <summary>The complete header must arrive within this after the accept (docs/operations.md#proxy-protocol: 5 s).</summary>
    public required TimeSpan HeaderTimeout { get; init; }

    /// <summary>Peers allowed to send a header; <see cref="TrustedCidrs.Any"/> allows every peer.</summary>
    public required TrustedCidrs TrustedSources { get; init; }

    /// <summary>Clock for the header timeout.</summary>
    public required TimeProvider TimeProvider { get; init; }

    /// <summary>
    /// Builds the options from the relay settings (<see cref="RelayOptions.ProxyHeaderTimeout"/> and
    /// <see cref="RelayOptions.ProxyProtocolTrustedCidrs"/>). Throws <see cref="FormatException"/> with the
    /// boot error text when the CIDR list is invalid; boot refuses such a list first, with the same parser.
    /// </summary>
    public static ProxyProtocolOptions From(RelayOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!TrustedCidrs.TryParse(options.ProxyProtocolTrustedCidrs, out var trusted, out var error))
        {
            throw new FormatException(error);
        }

        return new ProxyProtocolOptions
        {
            HeaderTimeout = options.ProxyHeaderTimeout,
            TrustedSources = trusted,
            TimeProvider = timeProvider,
        };
    }
}
