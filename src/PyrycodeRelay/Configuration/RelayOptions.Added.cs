namespace PyrycodeRelay.Configuration;

/// <summary>The flags this relay adds to the Go relay's (operations.md §1.3).</summary>
public sealed partial record RelayOptions
{
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

    /// <summary><c>--rate-limit-burst</c>: per-IP bucket size.</summary>
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
}
