namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// The request headers of a well-behaved binary and phone (docs/protocol.md#header-gate, scenario conventions B and P):
/// the one definition every client helper uses. The token and user agents are markers that must never be logged.
/// </summary>
internal static class ClientHeaders
{
    /// <summary>The binary's <c>X-Pyrycode-Version</c>.</summary>
    public const string BinaryVersion = "0.1.0-test";

    /// <summary>The binary's <c>User-Agent</c>.</summary>
    public const string BinaryUserAgent = "pyry-test/0.1.0";

    /// <summary>The phone's <c>X-Pyrycode-Token</c>.</summary>
    public const string PhoneToken = "phone-token-opaque";

    /// <summary>The phone's <c>User-Agent</c>.</summary>
    public const string PhoneUserAgent = "pyry-phone-test/0.1.0";

    /// <summary>A binary's headers for <paramref name="serverId"/>.</summary>
    public static Dictionary<string, string> Binary(string serverId = "s1") => new()
    {
        ["X-Pyrycode-Server"] = serverId,
        ["X-Pyrycode-Version"] = BinaryVersion,
        ["User-Agent"] = BinaryUserAgent,
    };

    /// <summary>A phone's headers for <paramref name="serverId"/>, with <c>X-Pyrycode-Device-Name</c> when given.</summary>
    public static Dictionary<string, string> Phone(string serverId = "s1", string? deviceName = null)
    {
        var headers = new Dictionary<string, string>
        {
            ["X-Pyrycode-Server"] = serverId,
            ["X-Pyrycode-Token"] = PhoneToken,
            ["User-Agent"] = PhoneUserAgent,
        };
        if (deviceName is not null)
        {
            headers["X-Pyrycode-Device-Name"] = deviceName;
        }

        return headers;
    }

    /// <summary><paramref name="headers"/> with <paramref name="overrides"/> set (added or replaced).</summary>
    public static Dictionary<string, string> With(this Dictionary<string, string> headers, IReadOnlyDictionary<string, string>? overrides)
    {
        foreach (var (k, v) in overrides ?? new Dictionary<string, string>())
        {
            headers[k] = v;
        }

        return headers;
    }

    /// <summary>The headers as request lines (<c>Name: Value</c>), in order.</summary>
    public static IEnumerable<string> Lines(IEnumerable<KeyValuePair<string, string>> headers) => headers.Select(h => h.Key + ": " + h.Value);

    /// <summary>The headers as name/value pairs, in order (for the raw client, which may repeat or reorder them).</summary>
    public static (string Name, string Value)[] Pairs(IEnumerable<KeyValuePair<string, string>> headers) => [.. headers.Select(h => (h.Key, h.Value))];
}
