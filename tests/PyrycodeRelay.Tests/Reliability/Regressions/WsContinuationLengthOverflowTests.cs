using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Tests.Configuration;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.Reliability.Regressions;

/// <summary>
/// Fuzz finding F1 (ws-connection target): a continuation frame whose 64-bit length is close to 2^63 makes
/// <c>_messageLength + header.PayloadLength</c> overflow to a negative number in
/// <c>WsConnection.OnDataFrameHeader</c> (src/PyrycodeRelay/WebSockets/WsConnection.Receive.cs), so the size
/// check passes, no buffer is grown, and <c>ConsumePayload</c> writes past the pooled buffer:
/// ArgumentOutOfRangeException out of <see cref="WsConnection.ReceiveAsync"/> instead of 1009
/// <c>message too big</c> (docs/protocol.md#framing-and-limits). Input: text frame FIN=0 "A", then continuation FIN=1 with length
/// 0x7FFFFFFFFFFFFFFF and 5000 payload bytes. Impact measured end to end: the session dies without teardown,
/// so the phone is never unregistered (no notice, its slot stays taken): <c>--phones-per-server</c> such
/// messages lock every phone out of a server-id with 4429, and anyone who knows a server-id can do it.
/// </summary>
public sealed class WsContinuationLengthOverflowTests
{
    private static byte[] Input()
    {
        var first = WsFrames.Build(0x01, "A"u8, fin: false);
        var second = WsFrames.Build(0x00, new byte[5000], fin: true, declaredLength: long.MaxValue);
        return [.. first, .. second];
    }

    [Fact]
    public async Task Continuation_with_a_length_near_2_pow_63_is_1009_not_an_exception()
    {
        var options = new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);
        var input = new Pipe(options);
        var output = new Pipe(options);
        var connection = new WsConnection(input.Reader, output.Writer, () => { }, DefaultOptions.WebSocket with { Time = new FakeTimeProvider() });
        await input.Writer.WriteAsync(Input());

        var result = await connection.ReceiveAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(WsReceiveStatus.TooBig, result.Status);
        var read = await output.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        var bytes = read.Buffer.ToArray();
        Assert.Equal([0x88, 17, 0x03, 0xF1, .. Encoding.UTF8.GetBytes("message too big")], bytes);
    }

    [Fact]
    public async Task Phone_sending_it_to_the_relay_is_closed_1009_message_too_big_and_frees_its_slot()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { PhonesPerServer = 1 });
        await using var binary = await relay.ConnectHolderAsync();
        var before = relay.Logs.Named("phone_registered").Count;
        using var phone = await RawWsClient.ConnectAsync(relay.Target, "/v1/client", RawWsClient.PhoneHeaders("s1"));
        var connId = (await relay.Logs.WaitForAsync("phone_registered", _ => relay.Logs.Named("phone_registered").Count > before))["conn_id"]!;

        await phone.SendRawAsync(Input());

        Assert.Equal((1009, "message too big"), await phone.ReadUntilCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await binary.ReceiveTextAsync());
        await relay.WaitForCountsAsync(1, 0);
        var (next, _) = await relay.ConnectRegisteredPhoneAsync();
        await next.DisposeAsync();
    }

    [Fact]
    public async Task Binary_sending_it_is_closed_1009_message_too_big_and_its_server_id_graces()
    {
        await using var relay = await TestRelay.StartAsync();
        using var binary = await RawWsClient.ConnectAsync(relay.Target, "/v1/server", RawWsClient.BinaryHeaders("s1"));
        await relay.Logs.WaitForAsync("server_claimed", e => e["server_id"] == "s1");

        await binary.SendRawAsync(Input());

        Assert.Equal((1009, "message too big"), await binary.ReadUntilCloseAsync(TimeSpan.FromSeconds(10)));
        await relay.Logs.WaitForAsync("server_released", e => e["server_id"] == "s1");
        await relay.WaitForCountsAsync(0, 0);
    }
}
