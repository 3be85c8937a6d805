using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace PyrycodeRelay.Endpoints;

/// <summary>
/// The pre-upgrade header gate (docs/protocol.md#header-gate). Values are trimmed of spaces and tabs; an empty value
/// counts as missing; a repeated header uses its first occurrence. The token is only checked for
/// presence and never kept.
/// </summary>
internal static partial class HeaderGate
{
    /// <summary>Largest server-id in characters.</summary>
    public const int MaxServerIdLength = 128;

    /// <summary>Binary endpoint: server-id, version and User-Agent required.</summary>
    public static bool TryAcceptBinary(IHeaderDictionary headers, out string serverId, out string version)
    {
        ArgumentNullException.ThrowIfNull(headers);
        version = "";
        return TryServerId(headers, out serverId)
            && TryRequired(headers["X-Pyrycode-Version"], out version)
            && TryRequired(headers.UserAgent, out _);
    }

    /// <summary>Phone endpoint: server-id, token and User-Agent required; device name optional.</summary>
    public static bool TryAcceptPhone(IHeaderDictionary headers, out string serverId, out string deviceName)
    {
        ArgumentNullException.ThrowIfNull(headers);
        deviceName = "";
        if (!TryServerId(headers, out serverId)
            || !TryRequired(headers["X-Pyrycode-Token"], out _)
            || !TryRequired(headers.UserAgent, out _))
        {
            return false;
        }

        TryRequired(headers["X-Pyrycode-Device-Name"], out deviceName);
        return true;
    }

    /// <summary>1–128 characters, each visible ASCII (0x21–0x7E).</summary>
    public static bool IsValidServerId(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= MaxServerIdLength && !value.ContainsAnyExceptInRange('\x21', '\x7E');

    private static bool TryServerId(IHeaderDictionary headers, out string serverId) =>
        TryRequired(headers["X-Pyrycode-Server"], out serverId) && IsValidServerId(serverId);

    private static bool TryRequired(StringValues values, out string value)
    {
        value = values.Count > 0 ? (values[0] ?? "").Trim(' ', '\t') : "";
        return value.Length > 0;
    }
}
