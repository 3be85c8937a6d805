namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>WebSocket clients of a <see cref="LiveRelay"/> (binaries and phones with the scenario headers).</summary>
internal sealed partial class LiveRelay
{
    /// <summary>How clients reach the relay listener.</summary>
    public RelayTarget Target => new(Port);

    /// <summary>The relay listener's WebSocket URI for <paramref name="path"/>.</summary>
    public Uri WsUri(string path) => Target.Uri(path);

    /// <summary>The standard binary headers (scenarios.md conventions) with <paramref name="overrides"/> applied.</summary>
    public static Dictionary<string, string> BinaryHeaders(string serverId = "s1", IReadOnlyDictionary<string, string>? overrides = null) =>
        With(new() { ["X-Pyrycode-Server"] = serverId, ["X-Pyrycode-Version"] = "0.1.0-test", ["User-Agent"] = "pyry-test/0.1.0" }, overrides);

    /// <summary>The standard phone headers with <paramref name="overrides"/> applied.</summary>
    public static Dictionary<string, string> PhoneHeaders(string serverId = "s1", IReadOnlyDictionary<string, string>? overrides = null) =>
        With(new() { ["X-Pyrycode-Server"] = serverId, ["X-Pyrycode-Token"] = "phone-token-opaque", ["User-Agent"] = "pyry-phone-test/0.1.0" }, overrides);

    /// <summary>Connects a binary and waits for its <c>server_claimed</c> line.</summary>
    public async Task<WsTestClient> ConnectHolderAsync(string serverId = "s1", IReadOnlyDictionary<string, string>? headers = null)
    {
        var before = Lines.Count(l => l["msg"] == "server_claimed" && l["server_id"] == serverId);
        var client = await WsTestClient.ConnectAsync(Target, "/v1/server", BinaryHeaders(serverId, headers));
        await Process.WaitForStderrAsync(_ => Lines.Count(l => l["msg"] == "server_claimed" && l["server_id"] == serverId) > before);
        return client;
    }

    /// <summary>
    /// Connects a phone to <paramref name="pathAndQuery"/> and waits for its <c>phone_registered</c> line; returns
    /// the client and its conn_id.
    /// </summary>
    public async Task<(WsTestClient Client, string ConnId)> ConnectRegisteredPhoneAsync(
        string serverId = "s1", IReadOnlyDictionary<string, string>? headers = null, string pathAndQuery = "/v1/client")
    {
        var before = Lines.Where(l => l["msg"] == "phone_registered").Select(l => l["conn_id"]).ToHashSet();
        var client = await WsTestClient.ConnectAsync(Target, pathAndQuery, PhoneHeaders(serverId, headers));
        var line = await WaitForLogAsync("phone_registered", l => l["server_id"] == serverId && !before.Contains(l["conn_id"]));
        return (client, line["conn_id"]);
    }

    private static Dictionary<string, string> With(Dictionary<string, string> headers, IReadOnlyDictionary<string, string>? overrides)
    {
        foreach (var (k, v) in overrides ?? new Dictionary<string, string>())
        {
            headers[k] = v;
        }

        return headers;
    }
}
