using System.Text;
using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Tls.Acme;

namespace PyrycodeRelay.Tls;

/// <summary>
/// The whole application of the <c>--http-listen</c> listener (docs/operations.md#http-challenge-listener): pending ACME http-01
/// responses at <c>/.well-known/acme-challenge/&lt;token&gt;</c>; everything else (and everything in static
/// mode, where there is no store) gets the standard 404. No redirect, no Host gate.
/// </summary>
internal sealed class HttpChallengeListener
{
    private const string Prefix = "/.well-known/acme-challenge/";
    private readonly Http01ChallengeStore? _challenges;

    /// <summary>Creates the listener app; <paramref name="challenges"/> is null in static mode.</summary>
    public HttpChallengeListener(Http01ChallengeStore? challenges) => _challenges = challenges;

    /// <summary>The request delegate.</summary>
    public Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (_challenges is not null && path is not null && path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var token = path.AsSpan(Prefix.Length);
            if (!token.IsEmpty && !token.Contains('/') && _challenges.TryGet(token.ToString(), out var keyAuthorization))
            {
                var body = Encoding.ASCII.GetBytes(keyAuthorization);
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "text/plain; charset=utf-8";
                context.Response.ContentLength = body.Length;
                return context.Response.Body.WriteAsync(body).AsTask();
            }
        }

        return Endpoints.PlainResponses.NotFoundAsync(context);
    }
}
