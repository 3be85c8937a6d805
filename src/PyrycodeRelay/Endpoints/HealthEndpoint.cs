using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Endpoints;

/// <summary><c>/healthz</c> and <c>/readyz</c> (docs/protocol.md#health-and-readiness): any method, never limited.</summary>
internal sealed class HealthEndpoint(string version, IRegistryCounts registry, Readiness readiness, TimeProvider time, long startedAt)
{
    private readonly string _versionJson = JsonString(version);
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

    /// <summary>Writes the health document.</summary>
    public Task HealthAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var uptime = (long)Math.Max(0, Math.Floor(time.GetElapsedTime(startedAt).TotalSeconds));
        var body = string.Create(CultureInfo.InvariantCulture,
            $"{{\"status\":\"ok\",\"version\":{_versionJson},\"connected_binaries\":{registry.ConnectedBinaries},\"connected_phones\":{registry.ConnectedPhones},\"uptime_seconds\":{uptime}}}");
        if (_clusterUp is { } up)
        {
            body = string.Concat(body.AsSpan(0, body.Length - 1), ",\"node_id\":", _nodeIdJson, up() ? ",\"cluster\":{\"redis\":\"up\"}}" : ",\"cluster\":{\"redis\":\"down\"}}");
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, body);
    }

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
