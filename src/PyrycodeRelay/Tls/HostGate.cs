using Microsoft.AspNetCore.Http;

namespace PyrycodeRelay.Tls;

/// <summary>
/// The 421 Host gate (docs/operations.md#host-gate): first middleware on the TLS listener. A request whose Host
/// (port stripped) is not <c>--domain</c> gets 421 with an empty body and nothing else runs.
/// </summary>
internal static class HostGate
{
    /// <summary>Middleware for <c>app.Use(HostGate.Middleware(domain))</c>.</summary>
    public static Func<RequestDelegate, RequestDelegate> Middleware(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return next => context => Allows(context, domain) ? next(context) : Reject(context);
    }

    /// <summary>True when the request's Host header matches <paramref name="domain"/>.</summary>
    public static bool Allows(HttpContext context, string domain)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.Request.Headers.Host;
        return host.Count == 1 && DomainName.HostMatches(host[0], domain);
    }

    private static Task Reject(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
