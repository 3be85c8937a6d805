namespace PyrycodeRelay.Tests.Support;

/// <summary>WebSocket clients of a <see cref="LiveRelay"/> that wait for the relay's log line taking them in.</summary>
internal sealed partial class LiveRelay
{
    /// <summary>The relay listener's WebSocket URI for <paramref name="path"/>.</summary>
    public Uri WsUri(string path) => Target.Uri(path);

    /// <summary>Connects a binary (<see cref="ClientHeaders.Binary"/> with <paramref name="headers"/> applied) and waits for its <c>server_claimed</c> line.</summary>
    public async Task<WsTestClient> ConnectHolderAsync(string serverId = "s1", IReadOnlyDictionary<string, string>? headers = null)
    {
        var before = Lines.Count(l => l["msg"] == "server_claimed" && l["server_id"] == serverId);
        var client = await WsTestClient.ConnectAsync(Target, "/v1/server", ClientHeaders.Binary(serverId).With(headers));
        await Process.WaitForStderrAsync(_ => Lines.Count(l => l["msg"] == "server_claimed" && l["server_id"] == serverId) > before);
        return client;
    }

    /// <summary>
    /// Connects a phone (<see cref="ClientHeaders.Phone"/> with <paramref name="headers"/> applied) to
    /// <paramref name="pathAndQuery"/> and waits for its <c>phone_registered</c> line; returns the client and its conn_id.
    /// </summary>
    public async Task<(WsTestClient Client, string ConnId)> ConnectRegisteredPhoneAsync(
        string serverId = "s1", IReadOnlyDictionary<string, string>? headers = null, string pathAndQuery = "/v1/client")
    {
        var before = Lines.Where(l => l["msg"] == "phone_registered").Select(l => l["conn_id"]).ToHashSet();
        var client = await WsTestClient.ConnectAsync(Target, pathAndQuery, ClientHeaders.Phone(serverId).With(headers));
        var line = await WaitForLogAsync("phone_registered", l => l["server_id"] == serverId && !before.Contains(l["conn_id"]));
        return (client, line["conn_id"]);
    }
}
