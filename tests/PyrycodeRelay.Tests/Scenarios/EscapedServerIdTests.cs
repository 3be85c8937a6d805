using System.Text.Json;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>
/// docs/protocol.md#header-gate, #identifiers, #phone-to-binary, #close-notice: any visible-ASCII server-id works end to end, including <c>"</c> and <c>\</c>,
/// which the relay escapes in conn_ids and the binary escapes back when it addresses the phone.
/// </summary>
public class EscapedServerIdTests : RelayScenario
{
    public static TheoryData<string> ServerIds() => new()
    {
        "a\"b\\c",
        new string('"', 64) + new string('\\', 64),
        new string('\\', 128),
    };

    [Theory]
    [MemberData(nameof(ServerIds))]
    public async Task PhoneFrameEnvelope_BinaryReply_AndCloseNotice_RoundTrip(string serverId)
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(serverId, read: true);
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync(serverId, read: true);
        await using var _p = p;
        var escaped = connId.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

        await p.SendTextAsync("{\"hi\":1}");
        var envelope = await b.ReceiveTextAsync();
        Assert.Equal("{\"conn_id\":\"" + escaped + "\",\"frame\":{\"hi\":1}}", envelope);
        using (var doc = JsonDocument.Parse(envelope))
        {
            Assert.Equal(connId, doc.RootElement.GetProperty("conn_id").GetString());
        }

        // The binary addresses the phone with the conn_id exactly as it received it (a JSON string).
        await b.SendTextAsync("{\"conn_id\":\"" + escaped + "\",\"frame\":{\"back\":2}}");
        PeerEvent reply;
        try
        {
            reply = await p.NextAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            Assert.Fail("the phone never received the binary's frame; relay logged: "
                + string.Join(" | ", relay.Logs.Entries.Where(e => e.Name.StartsWith("binary_forwarder", StringComparison.Ordinal))));
            throw;
        }

        Assert.Equal("{\"back\":2}", reply.Text);
        Assert.Empty(relay.Logs.Named("binary_forwarder_unmarshal_err"));
        Assert.Empty(relay.Logs.Named("binary_forwarder_unknown_conn_id"));

        await p.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure);
        Assert.Equal("{\"conn_id\":\"" + escaped + "\",\"close_code\":1000}", await b.ReceiveTextAsync());
    }
}
