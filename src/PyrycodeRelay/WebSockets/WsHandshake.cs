using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace PyrycodeRelay.WebSockets;

/// <summary>
/// The server side of the RFC 6455 §4.2 opening handshake (HTTP/1.1, version 13). No subprotocol is
/// selected and no extension negotiated (docs/protocol.md#websocket-handshake).
/// </summary>
internal static class WsHandshake
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>
    /// Checks that <paramref name="context"/> is a valid upgrade request. Returns 0 when valid (and the
    /// <c>Sec-WebSocket-Accept</c> value), else the status to answer: 405 for a method other than GET,
    /// 426 for an unsupported version (the caller adds <c>Sec-WebSocket-Version: 13</c>), 400 otherwise.
    /// </summary>
    public static int Validate(HttpContext context, out string accept)
    {
        ArgumentNullException.ThrowIfNull(context);
        accept = "";
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method))
        {
            return StatusCodes.Status405MethodNotAllowed;
        }

        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is null || !upgrade.IsUpgradableRequest
            || !HasToken(request.Headers.Upgrade, "websocket") || !HasToken(request.Headers.Connection, "upgrade"))
        {
            return StatusCodes.Status400BadRequest;
        }

        if (request.Headers.SecWebSocketVersion.ToString().Trim() != "13")
        {
            return StatusCodes.Status426UpgradeRequired;
        }

        var key = request.Headers.SecWebSocketKey.ToString().Trim();
        Span<byte> decoded = stackalloc byte[24];
        if (key.Length != 24 || !Convert.TryFromBase64String(key, decoded, out var n) || n != 16)
        {
            return StatusCodes.Status400BadRequest;
        }

        accept = ComputeAccept(key);
        return 0;
    }

    /// <summary><c>base64(SHA-1(key + GUID))</c>. SHA-1 is what RFC 6455 prescribes; it protects nothing here.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "RFC 6455 §4.2.2 mandates SHA-1 for Sec-WebSocket-Accept.")]
    public static string ComputeAccept(string key)
    {
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid), hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>
    /// Sends the 101 and returns a <see cref="WsConnection"/> over the connection's raw transport (captured
    /// by <see cref="UpgradedTransportFeature"/>), so frames are read and written without extra copies.
    /// </summary>
    public static async Task<WsConnection> AcceptAsync(HttpContext context, string accept, WsConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var transport = context.Features.Get<UpgradedTransportFeature>()
            ?? throw new InvalidOperationException("the listener does not capture its transport (UseUpgradedTransport missing)");
        var headers = context.Response.Headers;
        headers.Connection = "Upgrade";
        headers.Upgrade = "websocket";
        headers.SecWebSocketAccept = accept;
        await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
        var connection = transport.Connection;
        return new WsConnection(connection.Transport.Input, connection.Transport.Output, connection.Abort, options);
    }

    private static bool HasToken(StringValues values, string token)
    {
        foreach (var value in values)
        {
            foreach (var part in (value ?? "").Split(','))
            {
                if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
