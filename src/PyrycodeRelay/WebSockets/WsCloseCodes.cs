namespace PyrycodeRelay.WebSockets;

/// <summary>Close status codes the relay uses (docs/protocol.md#close-codes) and the RFC 6455 validity rule.</summary>
internal static class WsCloseCodes
{
    /// <summary>Normal closure.</summary>
    public const int Normal = 1000;

    /// <summary>Going away (shutdown; also the close-notice default).</summary>
    public const int GoingAway = 1001;

    /// <summary>Protocol error.</summary>
    public const int ProtocolError = 1002;

    /// <summary>No status code was present (never sent on the wire).</summary>
    public const int NoStatus = 1005;

    /// <summary>Invalid payload data (e.g. invalid UTF-8 in a text message).</summary>
    public const int InvalidPayload = 1007;

    /// <summary>Message too big.</summary>
    public const int MessageTooBig = 1009;

    /// <summary>Internal error (heartbeat timeout, backlog full, write failed, invalid directive).</summary>
    public const int InternalError = 1011;

    /// <summary>Try again later (a claim refused at <c>--max-server-ids</c>).</summary>
    public const int TryAgainLater = 1013;

    /// <summary>Server-id free / phone evicted.</summary>
    public const int NoServer = 4404;

    /// <summary>Server-id already claimed.</summary>
    public const int AlreadyClaimed = 4409;

    /// <summary>Too many phones for the server-id.</summary>
    public const int TooManyPhones = 4429;

    /// <summary>
    /// Whether a peer may send <paramref name="code"/> in a close frame (RFC 6455 §7.4): 1000–1003,
    /// 1007–1014 and 3000–4999. The same set is what a binary's close directive may ask for
    /// (docs/protocol.md#close-directives).
    /// </summary>
    public static bool IsValid(int code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
}
