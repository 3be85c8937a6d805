using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PyrycodeRelay.Endpoints;
using PyrycodeRelay.Observability.Metrics;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// The metrics listener (docs/operations.md#metrics-listener, docs/metrics.md#endpoint): <c>/metrics</c> with any method renders the Prometheus
/// text exposition of the host's <see cref="RelayMetricsExporter"/>; every other path is 404. A collection
/// failure answers 500.
/// </summary>
internal static class MetricsRequestHandler
{
    /// <summary>The exposition content type.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Serves one request.</summary>
    public static Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Path.Value != "/metrics")
        {
            return PlainResponses.NotFoundAsync(context);
        }

        byte[] body;
        try
        {
            // The exporter is attached to the host's meter factory when RelayMetrics is created.
            var scope = context.RequestServices.GetRequiredService<IMeterFactory>();
            var exporter = RelayMetricsExporter.Find(scope) ?? throw new InvalidOperationException("relay: no metrics exporter");
            body = Encoding.UTF8.GetBytes(exporter.Collect());
        }
#pragma warning disable CA1031 // any collection failure is answered with 500 (docs/metrics.md#endpoint)
        catch (Exception)
#pragma warning restore CA1031
        {
            return PlainResponses.RejectAsync(context, StatusCodes.Status500InternalServerError);
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length, context.RequestAborted);
    }
}
