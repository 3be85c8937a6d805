using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Forwarding;

namespace PyrycodeRelay.Endpoints;

/// <summary>Why the header gate refused, for the DEBUG <c>upgrade_rejected</c> line: header names only, never a value.</summary>
internal static partial class HeaderGate
{
    /// <summary>The first header that failed for <paramref name="endpoint"/> (computed only when DEBUG is on).</summary>
    public static string RejectReason(RelayEndpoint endpoint, IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (!TryServerId(headers, out _))
        {
            return "missing or invalid X-Pyrycode-Server header";
        }

        if (endpoint == RelayEndpoint.Server)
        {
            return TryRequired(headers["X-Pyrycode-Version"], out _) ? "missing User-Agent header" : "missing X-Pyrycode-Version header";
        }

        return TryRequired(headers["X-Pyrycode-Token"], out _) ? "missing User-Agent header" : "missing X-Pyrycode-Token header";
    }
}
