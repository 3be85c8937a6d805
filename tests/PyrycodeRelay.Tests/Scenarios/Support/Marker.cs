namespace PyrycodeRelay.Tests.Scenarios.Support;

/// <summary>
/// Synchronises a test with the binary's reader: an envelope for a conn_id that does not exist is logged
/// as <c>binary_forwarder_unknown_conn_id</c>, and the reader handles envelopes in order, so once the n-th
/// marker is logged every envelope sent before it has been classified and enqueued (or refused). Cross-node the
/// binary's node only publishes a phone's frames; the marker then also waits until the phones' node has handled
/// everything published before it (<see cref="TestRelay.PhoneNodeCaughtUpAsync"/>), where the enqueue happens.
/// </summary>
internal sealed class Marker(TestRelay relay, WsTestClient binary, string serverId = "s1")
{
    private int _sent;

    /// <summary>Sends a marker and waits until the relay has handled it.</summary>
    public async Task SyncAsync()
    {
        var n = ++_sent;
        var connId = $"client-{serverId}-{n:x16}";
        await binary.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":0}}");
        await relay.Logs.WaitForAsync("binary_forwarder_unknown_conn_id", e => e["conn_id"] == connId, TimeSpan.FromSeconds(20));
        if (relay.IsCrossNode)
        {
            await relay.PhoneNodeCaughtUpAsync();
        }
    }
}
