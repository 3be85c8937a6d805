namespace PyrycodeRelay.Check;

/// <summary>What <c>pyrycode-relay check</c> probes and how (docs/operations.md#check).</summary>
internal sealed record CheckOptions
{
    /// <summary>The relay's base URL: <c>http</c>, <c>https</c>, <c>ws</c> or <c>wss</c>, host and port, no path.</summary>
    public required Uri Url { get; init; }

    /// <summary>Number of measured round trips.</summary>
    public int Frames { get; init; } = 20;

    /// <summary>Frame sizes in bytes, used in turn.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [64, 1024, 16384];

    /// <summary>Limit for each step (connect, one round trip, a close).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Print one JSON document instead of text.</summary>
    public bool Json { get; init; }

    /// <summary>Extra PEM roots trusted for the relay's certificate (empty: the system's).</summary>
    public string CaFile { get; init; } = "";

    /// <summary>The server-id to claim; empty: a random <c>check-…</c> id.</summary>
    public string ServerId { get; init; } = "";

    /// <summary>Whether the relay is reached over TLS.</summary>
    public bool Tls => Url.Scheme is "https" or "wss";

    /// <summary>The WebSocket URI of <paramref name="path"/>.</summary>
    public Uri WebSocketUri(string path) => new($"{(Tls ? "wss" : "ws")}://{Url.Authority}{path}");

    /// <summary>The HTTP URI of <paramref name="path"/>.</summary>
    public Uri HttpUri(string path) => new($"{(Tls ? "https" : "http")}://{Url.Authority}{path}");
}
