using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Endpoints;

namespace PyrycodeRelay.Hosting;

/// <summary>The metrics listener: <c>/metrics</c> (any method), everything else 404.</summary>
internal static class MetricsRequestHandler
{
    /// <summary>Serves one request.</summary>
    public static Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Value != "/metrics")
        {
            return PlainResponses.NotFoundAsync(context);
        }

        // The Prometheus exposition lands with the observability work (issue 5).
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return Task.CompletedTask;
    }
}
