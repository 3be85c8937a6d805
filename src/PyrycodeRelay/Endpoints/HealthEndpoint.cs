using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Endpoints;

/// <summary>
/// <c>/healthz</c> and <c>/readyz</c> (docs/protocol.md#health-and-readiness): any method, never limited. The public
/// <c>/healthz</c> document carries no user counts (issue 13 finding 12): <c>connected_binaries</c> and
/// <c>connected_phones</c> are shown only to a direct loopback peer (no <c>X-Forwarded-For</c> or <c>Forwarded</c>
/// header) or to everyone with <c>--healthz-counts</c> (the Go relay's shape); the metrics listener has them as the
/// <c>pyrycode_relay_connected_binaries</c> and <c>pyrycode_relay_connected_phones</c> gauges.
/// </summary>
internal sealed class HealthEndpoint(string version, IRegistryCounts registry, Readiness readiness, TimeProvider time, long startedAt,
    bool countsForEveryone = false, string commit = Cli.RelayVersion.UnknownCommit)
{
    private readonly string _versionJson = JsonString(version);
    private readonly string _commitJson = JsonString(commit);
    private string? _nodeIdJson;
    private Func<bool>? _clusterUp;

    /// <summary>
    /// Cluster mode: <c>/healthz</c> adds <c>"node_id"</c> and <c>"cluster":{"redis":"up"|"down"}</c>
    /// (docs/operations.md#running-a-cluster); the counts stay this node's own.
    /// </summary>
    public void AddCluster(string nodeId, Func<bool> redisUp)
    {
        _nodeIdJson = JsonString(nodeId);
        _clusterUp = redisUp;
    }

    /// <summary>Writes the health document: with the counts for a direct loopback peer or with <c>--healthz-counts</c>.</summary>
    public Task HealthAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return countsForEveryone || IsDirectLoopback(context) ? HealthWithCountsAsync(context) : PublicHealthAsync(context);
    }

    /// <summary>Writes the Go relay's document, with the counts (a direct loopback peer, <c>--healthz-counts</c>).</summary>
    public Task HealthWithCountsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var body = string.Create(CultureInfo.InvariantCulture,
            $"{{\"status\":\"ok\",\"version\":{_versionJson},\"commit\":{_commitJson},\"connected_binaries\":{registry.ConnectedBinaries},\"connected_phones\":{registry.ConnectedPhones},\"uptime_seconds\":{Uptime()}}}");
        return WriteJsonAsync(context, StatusCodes.Status200OK, WithCluster(body));
    }

    /// <summary>True when the peer is loopback and no proxy header says the request was forwarded.</summary>
    public static bool IsDirectLoopback(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var peer = context.Connection.RemoteIpAddress;
        return peer is not null && GoCompat.IpLiteral.IsLoopback(peer)
            && !context.Request.Headers.ContainsKey("X-Forwarded-For") && !context.Request.Headers.ContainsKey("Forwarded");
    }

    private Task PublicHealthAsync(HttpContext context)
    {
        var body = string.Create(CultureInfo.InvariantCulture,
            $"{{\"status\":\"ok\",\"version\":{_versionJson},\"commit\":{_commitJson},\"uptime_seconds\":{Uptime()}}}");
        return WriteJsonAsync(context, StatusCodes.Status200OK, WithCluster(body));
    }

    // Cluster mode: the node id and the Redis link after the other fields (the counts stay this node's own).
    private string WithCluster(string body) => _clusterUp is not { } up
        ? body
        : string.Concat(body.AsSpan(0, body.Length - 1), ",\"node_id\":", _nodeIdJson, up() ? ",\"cluster\":{\"redis\":\"up\"}}" : ",\"cluster\":{\"redis\":\"down\"}}");

    private long Uptime() => (long)Math.Max(0, Math.Floor(time.GetElapsedTime(startedAt).TotalSeconds));

    /// <summary>Writes the readiness document.</summary>
    public Task ReadyAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return readiness.IsReady
            ? WriteJsonAsync(context, StatusCodes.Status200OK, "{\"ready\":true}")
            : WriteJsonAsync(context, StatusCodes.Status503ServiceUnavailable, "{\"ready\":false}");
    }

    private static Task WriteJsonAsync(HttpContext context, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, 0, bytes.Length);
    }

    // JsonEncodedText escapes exactly as the serializer would, without reflection (trimming and Native AOT safe).
    private static string JsonString(string value) => "\"" + System.Text.Json.JsonEncodedText.Encode(value).Value + "\"";
}
