namespace PyrycodeRelay.Configuration;

/// <summary>
/// Every setting of the relay, with the reference defaults of <c>operations.md</c> §1: the one place each
/// default exists. Feature option records are built from it (<c>WsConnectionOptions.From</c>,
/// <c>PushOptions.From</c>, …) and have no defaults of their own. Bound from the command line by
/// <c>Cli.CommandLine</c>; tests build it directly (for example with short timings). Values are not
/// validated here: boot validates them (<c>Startup</c>) in the documented order. This file: the flags kept
/// from the Go relay; <c>RelayOptions.Added.cs</c>: the flags this relay adds; <c>RelayOptions.Fixed.cs</c>:
/// fixed limits that are not flags.
/// </summary>
public sealed partial record RelayOptions
{
    // ---- Flags kept from the Go relay (operations.md §1.2) ----

    /// <summary><c>--domain</c>: public DNS name served over TLS; selects TLS mode.</summary>
    public string Domain { get; init; } = "";

    /// <summary><c>--cert-cache</c>: ACME state directory; default <c>$HOME/.pyrycode-relay/certs</c>.</summary>
    public string CertCache { get; init; } = DefaultCertCache(Environment.GetEnvironmentVariable("HOME"));

    /// <summary><c>--insecure-listen</c>: plain-HTTP <c>host:port</c>; selects insecure mode.</summary>
    public string InsecureListen { get; init; } = "";

    /// <summary><c>--https-listen</c>: TLS listener address.</summary>
    public string HttpsListen { get; init; } = ":443";

    /// <summary><c>--http-listen</c>: ACME http-01 challenge listener address.</summary>
    public string HttpListen { get; init; } = ":80";

    /// <summary><c>--metrics-listen</c>: loopback IP literal <c>host:port</c>; empty disables metrics.</summary>
    public string MetricsListen { get; init; } = "127.0.0.1:9090";

    /// <summary><c>--trust-x-forwarded-for</c>: take the rate-limit key from the left-most XFF entry.</summary>
    public bool TrustXForwardedFor { get; init; }

    /// <summary><c>--https-proxy-protocol</c>: require a PROXY header on every TLS-listener connection.</summary>
    public bool HttpsProxyProtocol { get; init; }

    /// <summary><c>--max-connections</c>: global cap on live upgraded connections (Go relay: 20).</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>The default <c>--cert-cache</c> for a given <c>HOME</c>: <c>$HOME/.pyrycode-relay/certs</c>, else relative.</summary>
    public static string DefaultCertCache(string? home) =>
        string.IsNullOrEmpty(home)
            ? Path.Combine(".pyrycode-relay", "certs")
            : Path.Combine(home, ".pyrycode-relay", "certs");
}
