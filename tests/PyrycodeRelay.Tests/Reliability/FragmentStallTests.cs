using System.Diagnostics;
using System.Text;

namespace PyrycodeRelay.Tests.Reliability;

/// <summary>
/// Fault: a peer sends the first fragment of a message and stalls while still answering Pings. It is torn down
/// at the per-message read deadline (docs/protocol.md#framing-and-limits, scenario 81); nothing of the fragment is forwarded;
/// idle peers are not affected by the rule.
/// </summary>
public sealed class FragmentStallTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private static Task<TestRelay> StartAsync() => TestRelay.StartAsync(o => o with
    {
        MessageReadTimeout = Deadline,
        HeartbeatInterval = TimeSpan.FromMilliseconds(400),
        HeartbeatTimeout = TimeSpan.FromSeconds(5),
    });

    [Fact]
    public async Task Phone_stalling_inside_a_message_is_torn_down_at_the_deadline_while_answering_pings()
    {
        await using var relay = await StartAsync();
        await using var binary = await relay.ConnectHolderAsync();
        var before = relay.Logs.Named("phone_registered").Count;
        using var stalled = await RawWsClient.ConnectAsync(relay.Target, "/v1/client", RawWsClient.PhoneHeaders("s1"));
        var stalledId = (await relay.Logs.WaitForAsync("phone_registered", _ => relay.Logs.Named("phone_registered").Count > before))["conn_id"]!;
        var (idle, idleId) = await relay.ConnectRegisteredPhoneAsync();
        await using var _ = idle;

        await stalled.SendFrameAsync(0x1, Encoding.UTF8.GetBytes("{\"part\":"), fin: false);
        var sw = Stopwatch.StartNew();
        var pongs = 0;
        while (true)
        {
            var frame = await stalled.ReadFrameAsync(TimeSpan.FromSeconds(10));
            if (frame is null)
            {
                break; // torn down: EOF or reset
            }

            Assert.Equal(0x9, frame.Opcode); // only Pings; no close frame is required on this abort
            if (!await TryPongAsync(stalled, frame.Payload))
            {
                break; // torn down between the Ping and our answer
            }

            pongs++;
        }

        Assert.InRange(sw.Elapsed, Deadline - TimeSpan.FromMilliseconds(200), Deadline + TimeSpan.FromSeconds(3)); // generous: a busy 2-core CI machine; without the deadline it never ends
        Assert.True(pongs >= 3, $"the stalled phone answered only {pongs} pings");

        // Read deadline → notice 1001 (docs/protocol.md#close-notice); the fragment itself was never forwarded.
        Assert.Equal($"{{\"conn_id\":\"{stalledId}\",\"close_code\":1001}}", await binary.ReceiveTextAsync());

        // The idle phone (idle for longer than the deadline, between messages) is still served.
        await Task.Delay(Deadline);
        await idle.SendTextAsync("{\"n\":1}");
        Assert.Equal($"{{\"conn_id\":\"{idleId}\",\"frame\":{{\"n\":1}}}}", await binary.ReceiveTextAsync());
    }

    [Fact]
    public async Task Binary_stalling_inside_a_message_is_torn_down_at_the_deadline_and_its_server_id_graces()
    {
        await using var relay = await StartAsync();
        using var stalled = await RawWsClient.ConnectAsync(relay.Target, "/v1/server", RawWsClient.BinaryHeaders("s1"));
        await relay.Logs.WaitForAsync("server_claimed", e => e["server_id"] == "s1");

        await stalled.SendFrameAsync(0x1, Encoding.UTF8.GetBytes("{\"conn_id\":"), fin: false);
        var sw = Stopwatch.StartNew();
        while (await stalled.ReadFrameAsync(TimeSpan.FromSeconds(10)) is { } frame)
        {
            Assert.Equal(0x9, frame.Opcode);
            if (!await TryPongAsync(stalled, frame.Payload))
            {
                break; // torn down between the Ping and our answer
            }
        }

        Assert.InRange(sw.Elapsed, Deadline - TimeSpan.FromMilliseconds(200), Deadline + TimeSpan.FromSeconds(3)); // generous: a busy 2-core CI machine; without the deadline it never ends
        await relay.Logs.WaitForAsync("server_released", e => e["server_id"] == "s1");
        await relay.WaitForCountsAsync(0, 0);
    }

    /// <summary>
    /// Answers a Ping; false when the relay has already torn the connection down (the abort can land between
    /// reading its last Ping and sending the Pong: a clean-clone CI run saw "Connection reset by peer" there).
    /// </summary>
    private static async Task<bool> TryPongAsync(RawWsClient client, byte[] payload)
    {
        try
        {
            await client.SendFrameAsync(0xA, payload);
            return true;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
        {
            return false;
        }
    }
}
