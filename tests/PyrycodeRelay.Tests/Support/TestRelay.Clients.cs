namespace PyrycodeRelay.Tests.Support;

/// <summary>Clients of a <see cref="TestRelay"/> that wait until the relay has taken them in.</summary>
internal sealed partial class TestRelay
{
    /// <summary>Connects a binary for <paramref name="serverId"/> and waits (log <c>server_claimed</c>) until it holds it.</summary>
    public async Task<WsTestClient> ConnectHolderAsync(string serverId = "s1", RelayTarget? target = null, string path = "/v1/server", bool read = false)
    {
        var before = Logs.Named("server_claimed").Count(x => x["server_id"] == serverId);
        var client = await WsTestClient.ConnectBinaryAsync(target ?? Target, serverId, path, read);
        await Logs.WaitForAsync("server_claimed", _ => Logs.Named("server_claimed").Count(x => x["server_id"] == serverId) > before);
        return client;
    }

    /// <summary>Connects a phone and waits until it is registered; returns it with its conn_id (from <c>phone_registered</c>).</summary>
    public async Task<(WsTestClient Client, string ConnId)> ConnectRegisteredPhoneAsync(string serverId = "s1", RelayTarget? target = null,
        string path = "/v1/client", string? deviceName = null, bool read = false, int? receiveBuffer = null)
    {
        var before = Logs.Named("phone_registered").Select(e => e["conn_id"]).ToHashSet();
        var client = await WsTestClient.ConnectPhoneAsync(target ?? Target, serverId, path, deviceName, read, receiveBuffer);
        var entry = await Logs.WaitForAsync("phone_registered", e => e["server_id"] == serverId && !before.Contains(e["conn_id"]));
        return (client, entry["conn_id"]!);
    }
}
