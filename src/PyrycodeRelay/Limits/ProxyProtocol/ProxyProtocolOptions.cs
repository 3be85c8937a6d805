using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>Settings of <see cref="ProxyProtocolMiddleware"/>.</summary>
public sealed record ProxyProtocolOptions
{
    /// <summary>The complete header must arrive within this after the accept (operations.md §11: 5 s).</summary>
    public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Peers allowed to send a header; <see cref="TrustedCidrs.Any"/> allows every peer.</summary>
    public TrustedCidrs TrustedSources { get; init; } = TrustedCidrs.Any;

    /// <summary>Clock for the header timeout.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Builds the options from the relay settings (<see cref="RelayOptions.ProxyHeaderTimeout"/> and
    /// <see cref="RelayOptions.ProxyProtocolTrustedCidrs"/>). Throws <see cref="FormatException"/> with the
    /// boot error text when the CIDR list is invalid (boot validates it first with <see cref="TrustedCidrs.TryParse"/>).
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
