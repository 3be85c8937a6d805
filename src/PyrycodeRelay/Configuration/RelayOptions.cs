namespace PyrycodeRelay.Configuration;

/// <summary>
/// Every setting of the relay, with the reference defaults of docs/operations.md#command-line: the one place each
/// default exists. Feature option records are built from it (<c>WsConnectionOptions.From</c>,
/// <c>PushOptions.From</c>, …) and have no defaults of their own. Bound from the command line by
/// <c>Cli.CommandLine</c>; tests build it directly (for example with short timings). Values are not
/// validated here: boot validates them (<c>Startup</c>) in the documented order.
/// </summary>
internal sealed record RelayOptions
{
    // ---- Flags kept from the Go relay (docs/operations.md#flags-kept-from-the-go-relay) ----

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

    /// <summary><c>--trust-x-forwarded-for</c>: take the client address from <c>X-Forwarded-For</c> (right-most untrusted entry).</summary>
    public bool TrustXForwardedFor { get; init; }

    /// <summary><c>--https-proxy-protocol</c>: require a PROXY header on every TLS-listener connection.</summary>
    public bool HttpsProxyProtocol { get; init; }

    /// <summary><c>--max-connections</c>: global cap on live upgraded connections (Go relay: 20).</summary>
    public int MaxConnections { get; init; } = 1024;

    // ---- Flags added by this relay (docs/operations.md#flags-added-by-this-relay) ----

    /// <summary><c>--grace-period</c>: how long a disconnected holder's server-id stays reserved.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>--heartbeat-interval</c>: ping interval on every connection.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>--heartbeat-timeout</c>: time allowed for the Pong.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>--conflict-probe-timeout</c>: probe wait before a takeover.</summary>
    public TimeSpan ConflictProbeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>--max-message-bytes</c>: largest reassembled inbound message.</summary>
    public int MaxMessageBytes { get; init; } = 262144;

    /// <summary><c>--message-read-timeout</c>: a started message must be complete within this.</summary>
    public TimeSpan MessageReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>--write-timeout</c>: limit for each outbound write.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>--phones-per-server</c>: phones per server-id.</summary>
    public int PhonesPerServer { get; init; } = 16;

    /// <summary><c>--phone-outbox-bytes</c>: per-phone outbox budget (item cost = length + 64).</summary>
    public long PhoneOutboxBytes { get; init; } = 4194304;

    /// <summary><c>--outbox-budget-bytes</c>: relay-wide outbox budget.</summary>
    public long OutboxBudgetBytes { get; init; } = 268435456;

    /// <summary><c>--rate-limit-burst</c>: per-source (IPv4 address, IPv6 /64) bucket size.</summary>
    public int RateLimitBurst { get; init; } = 20;

    /// <summary><c>--rate-limit-refill</c>: time to earn one token back.</summary>
    public TimeSpan RateLimitRefill { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary><c>--drain-timeout</c>: shutdown drain deadline.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>--log-format</c>: <c>text</c> or <c>json</c>.</summary>
    public string LogFormat { get; init; } = "text";

    /// <summary><c>--proxy-protocol-trusted-cidrs</c>: comma-separated CIDRs allowed to send PROXY headers.</summary>
    public string ProxyProtocolTrustedCidrs { get; init; } = "";

    /// <summary><c>--acme-directory</c>: ACME directory URL.</summary>
    public string AcmeDirectory { get; init; } = "https://acme-v02.api.letsencrypt.org/directory";

    /// <summary><c>--acme-email</c>: optional ACME account contact.</summary>
    public string AcmeEmail { get; init; } = "";

    /// <summary><c>--acme-ca-file</c>: extra PEM roots trusted only for the ACME server.</summary>
    public string AcmeCaFile { get; init; } = "";

    /// <summary><c>--tls-cert-file</c>: PEM chain; selects static certificates.</summary>
    public string TlsCertFile { get; init; } = "";

    /// <summary><c>--tls-key-file</c>: PEM private key for <see cref="TlsCertFile"/>.</summary>
    public string TlsKeyFile { get; init; } = "";

    /// <summary><c>--fcm-project-id</c>: Firebase project in the FCM send URL.</summary>
    public string FcmProjectId { get; init; } = "pyrycode-mobile";

    /// <summary><c>--fcm-base-url</c>: FCM API base URL.</summary>
    public string FcmBaseUrl { get; init; } = "https://fcm.googleapis.com";

    /// <summary><c>--fcm-token-url</c>: OAuth token endpoint override.</summary>
    public string FcmTokenUrl { get; init; } = "";

    // ---- Issue 13 (one client must not deny service to all): sessions and registry ----

    /// <summary><c>--phone-first-frame-timeout</c>: a phone that has sent no frame within this is closed 1000.</summary>
    public TimeSpan PhoneFirstFrameTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>--max-server-ids</c>: live and gracing server-ids together (twice the default connection cap).</summary>
    public int MaxServerIds { get; init; } = 2048;

    /// <summary><c>--server-outbox-bytes</c>: outbox budget of one server-id, all its phones together (an eighth of the relay-wide one).</summary>
    public long ServerOutboxBytes { get; init; } = 33554432;

    // ---- Hardening (issue 13, docs/operations.md#per-source-limits) ----

    /// <summary><c>--max-connections-per-source</c>: live upgraded connections one source (IPv4 address, IPv6 /64) may hold.</summary>
    public int MaxConnectionsPerSource { get; init; } = 32;

    /// <summary><c>--trusted-proxy-cidrs</c>: proxies whose <c>X-Forwarded-For</c> entries are skipped from the right.</summary>
    public string TrustedProxyCidrs { get; init; } = "";

    /// <summary><c>--proxy-protocol-trust-all</c>: accept PROXY headers from every peer (only with <c>--https-proxy-protocol</c>, no CIDRs).</summary>
    public bool ProxyProtocolTrustAll { get; init; }

    /// <summary>
    /// Each endpoint kind keeps <c>--max-connections</c> / this many slots that the other kind cannot take (0: no
    /// reserve). Fixed: binaries reclaiming their server-id are not starved by phones, nor phones by binaries.
    /// </summary>
    public int EndpointReserveDivisor { get; init; } = 8;

    /// <summary>Most rate-limit buckets held at once; the oldest is evicted when a new source arrives at the limit.</summary>
    public int RateLimitMaxSources { get; init; } = 16384;

    /// <summary><c>--max-pending-connections</c>: connections not (yet) upgraded, relay-wide.</summary>
    public int MaxPendingConnections { get; init; } = 512;

    /// <summary><c>--max-pending-connections-per-source</c>: connections not (yet) upgraded, per source (off with X-Forwarded-For).</summary>
    public int MaxPendingConnectionsPerSource { get; init; } = 16;

    /// <summary><c>--healthz-counts</c>: the public <c>/healthz</c> shows the user counts (the Go relay's document).</summary>
    public bool HealthzCounts { get; init; }

    /// <summary>How often idle rate-limit buckets are swept.</summary>
    public TimeSpan RateLimitSweepInterval { get; init; } = TimeSpan.FromSeconds(30);

    // ---- Operator flags (issue 15 items 7, 8, 10; docs/operations.md) ----

    /// <summary><c>--shutdown-delay</c>: how long <c>/readyz</c> answers 503 at the start of a drain before the 1001s.</summary>
    public TimeSpan ShutdownDelay { get; init; } = TimeSpan.Zero;

    /// <summary><c>--log-level</c>: <c>debug</c>, <c>info</c>, <c>warn</c> or <c>error</c>.</summary>
    public string LogLevel { get; init; } = "info";

    /// <summary><c>--metrics-allow-remote</c>: allow a non-loopback <c>--metrics-listen</c>.</summary>
    public bool MetricsAllowRemote { get; init; }
    // ---- Cluster mode (docs/operations.md#running-a-cluster) ----

    /// <summary><c>--cluster-redis</c>: Redis address (<c>host:port</c>, <c>redis://</c>, <c>rediss://</c> or <c>redis+sentinel://</c>); empty: single instance.</summary>
    public string ClusterRedis { get; init; } = "";

    /// <summary><c>--node-id</c>: this node's id in the cluster; empty: 12 random hex characters per process start.</summary>
    public string NodeId { get; init; } = "";

    /// <summary><c>--cluster-lease</c>: how long a node's claims outlive it (minimum 3s).</summary>
    public TimeSpan ClusterLease { get; init; } = TimeSpan.FromSeconds(15);

    // ---- Fixed limits: not flags (docs/protocol.md#defaults "fixed", docs/operations.md#http-timeouts, docs/operations.md#tls, docs/operations.md#push-wakes), settable only by tests ----

    /// <summary>After sending a close frame, how long to wait for the peer's close frame.</summary>
    public TimeSpan CloseHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Repetitive events a binary can trigger at will (malformed envelopes, unknown conn_ids, …) logged per connection
    /// before they are only counted and summarised (docs/logging.md#limits). Scenario tests lift it: they use the
    /// unknown-conn_id line as a synchronisation marker.
    /// </summary>
    public int LogRepeatsPerConnection { get; init; } = 10;

    /// <summary>HTTP request headers must be complete within this (slowloris guard).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// HTTP keep-alive idle timeout between requests (never applies to upgraded connections). Short (issue 13 finding 6):
    /// an idle pre-upgrade connection holds a file descriptor and a pending-connection place.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A PROXY protocol header must arrive within this.</summary>
    public TimeSpan ProxyHeaderTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Unsent bytes the kernel may hold per relay socket (<c>TCP_NOTSENT_LOWAT</c>, Linux; 0 = kernel default): the rest
    /// waits in the relay, where Pings, Pongs and close frames can still go ahead of queued data (docs/operations.md#connection-cap-sizing).
    /// </summary>
    public int SocketNotSentLowWaterBytes { get; init; } = 65536;

    /// <summary>
    /// Bytes Kestrel's transport reads ahead per connection while the relay is not reading (its input pipe's pause
    /// threshold, and Kestrel's request buffer), bounding a connection's inbound memory (issue 13 finding 10;
    /// docs/operations.md, connection cap sizing).
    /// </summary>
    public int TransportReadBufferBytes { get; init; } = 65536;

    /// <summary>
    /// Size of the socket transport's pool blocks, which bounds one receive system call (Kestrel's own pool: 4 KiB;
    /// issue 16, bench/performance-notes.md). Idle connections hold no block.
    /// </summary>
    public int TransportBlockBytes { get; init; } = 32768;

    /// <summary>
    /// Inline I/O: on Linux the relay's epoll transport serves the TCP listeners (Transport/), so a frame is forwarded
    /// on the event loop that received it; elsewhere, or for endpoints that are not IP, Kestrel's pipes resume the
    /// relay inline on the socket transport's thread (<c>UnsafePreferInlineScheduling</c>, Hosting/InlineIo). Off:
    /// Kestrel's socket transport with thread-pool dispatch. The relay process turns it off when
    /// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0</c>.
    /// </summary>
    public bool TransportInline { get; init; } = true;

    /// <summary>Free transport blocks kept for reuse, per pool (one pool per transport I/O queue); above it the GC takes them.</summary>
    public long TransportPoolRetainedBytes { get; init; } = 32L * 1024 * 1024;

    // TLS (docs/operations.md#http-timeouts, docs/operations.md#tls).

    /// <summary>TLS handshake limit (docs/operations.md#http-timeouts: 5 s); also bounds the wait for the first bytes of a TLS connection.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Static certificates: how often the files are checked for changes (docs/operations.md#static-certificate-files: within 60 s).</summary>
    public TimeSpan TlsStaticReloadInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>ACME: delay before the first retry after a failed issuance (docs/operations.md#acme: within 1 minute).</summary>
    public TimeSpan AcmeRetryInitial { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>ACME: the retry delay doubles up to this (docs/operations.md#acme: at most 1 hour).</summary>
    public TimeSpan AcmeRetryMax { get; init; } = TimeSpan.FromHours(1);

    /// <summary>ACME: longest single sleep before re-checking whether renewal is due.</summary>
    public TimeSpan AcmeMaxSleep { get; init; } = TimeSpan.FromHours(12);

    /// <summary>ACME: delay between polls when the server sends no <c>Retry-After</c>.</summary>
    public TimeSpan AcmePollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>ACME: lower bound applied to a server's <c>Retry-After</c>.</summary>
    public TimeSpan AcmeMinPollDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>ACME: upper bound applied to a server's <c>Retry-After</c>.</summary>
    public TimeSpan AcmeMaxPollDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>ACME: give up polling an authorization or order after this long.</summary>
    public TimeSpan AcmePollTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>ACME: how many <c>badNonce</c> rejections one request may absorb before failing.</summary>
    public int AcmeMaxBadNonceRetries { get; init; } = 10;

    /// <summary>ACME: timeout of each HTTP request to the ACME server.</summary>
    public TimeSpan AcmeRequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    // Push wakes (docs/operations.md#push-wakes, docs/protocol.md#defaults).

    /// <summary>Push: per-server-id bucket size (burst).</summary>
    public int PushRateLimitBurst { get; init; } = 6;

    /// <summary>Push: time to earn one wake back.</summary>
    public TimeSpan PushRateLimitRefill { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Push: a bucket unused for at least this long is removed by the sweep.</summary>
    public TimeSpan PushRateLimitIdle { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Push: how often idle buckets are swept.</summary>
    public TimeSpan PushRateLimitSweepInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Push: relay-wide cap on concurrent sends.</summary>
    public int PushMaxInFlight { get; init; } = 32;

    /// <summary>Push: sends in flight one server-id may hold (issue 13 finding 7: a fair share of the 32).</summary>
    public int PushMaxInFlightPerServer { get; init; } = 2;

    /// <summary>Push: sends in flight one source (IPv4 address, IPv6 /64) may hold.</summary>
    public int PushMaxInFlightPerSource { get; init; } = 8;

    /// <summary>Push: per-source bucket size (burst), across all the source's server-ids.</summary>
    public int PushSourceRateLimitBurst { get; init; } = 12;

    /// <summary>Push: per-source time to earn one wake back.</summary>
    public TimeSpan PushSourceRateLimitRefill { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Push: timeout of each HTTP request (token and send), headers and body included.</summary>
    public TimeSpan PushRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The default <c>--cert-cache</c> for a given <c>HOME</c>: <c>$HOME/.pyrycode-relay/certs</c>, else relative.</summary>
    public static string DefaultCertCache(string? home) =>
        string.IsNullOrEmpty(home)
            ? Path.Combine(".pyrycode-relay", "certs")
            : Path.Combine(home, ".pyrycode-relay", "certs");
}
