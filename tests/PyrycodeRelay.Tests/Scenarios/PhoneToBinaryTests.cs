using System.Text;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>docs/protocol.md#phone-to-binary: phone frame validation, splicing, and a binary that cannot take the envelope.</summary>
public class PhoneToBinaryTests : RelayScenario
{
    public static TheoryData<string> ValidFrames()
    {
        var data = new TheoryData<string>();
        foreach (var frame in new[]
        {
            "true", "false", "null", "0", "-1.5e+3", "\"\"", "\"\\u00e9\\\"\"", "[]", "{}", "[{\"a\":[null,{}]}]",
            new string('[', 64) + new string(']', 64),
            new string('[', 200) + new string(']', 200),
        })
        {
            data.Add(frame);
        }

        return data;
    }

    public static TheoryData<byte[]> InvalidFrames()
    {
        var data = new TheoryData<byte[]>();
        foreach (var frame in new byte[][]
        {
            [],
            [0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}'],
            "{} {}"u8.ToArray(),
            "{\"a\":1"u8.ToArray(),
            "'x'"u8.ToArray(),
            "NaN"u8.ToArray(),
            "{\"a\":1 /* c */}"u8.ToArray(),
            "[1,]"u8.ToArray(),
            "   "u8.ToArray(),
            [(byte)'"', 0xFF, (byte)'"'],
        })
        {
            data.Add(frame);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValidFrames))]
    public async Task AnyJsonValue_Accepted_SplicedVerbatim(string frame)
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await p.SendTextAsync(frame);
        Assert.Equal(Envelopes.Data(c, frame), await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task SurroundingJsonWhitespace_AllowedAndAtMostTrimmed()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        const string Inner = "{ \"k\" :\t[ 1 ] }";
        await p.SendTextAsync(" \r\n\t" + Inner + "\n ");
        var envelope = await b.ReceiveTextAsync();
        Assert.Contains(envelope, new[] { Envelopes.Data(c, Inner), Envelopes.Data(c, " \r\n\t" + Inner + "\n ") });
    }

    [Theory]
    [MemberData(nameof(InvalidFrames))]
    public async Task InvalidPayload_PhoneClosed1000_NothingForwarded_Notice1001(byte[] payload)
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = p;
        var c = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"];
        await p.SendRawAsync([.. WsFrames.Build(WsFrames.Binary, payload), .. WsFrames.Text1("{\"after\":1}")]);
        var close = await p.ReadMessageFrameAsync();
        Assert.True(close is not null, "ended without a close frame: " + p.EndReason);
        Assert.Equal((WsFrames.Close, 1000, ""), (close.Opcode, close.CloseCode, close.CloseReason));
        Assert.Equal($"{{\"conn_id\":\"{c}\",\"close_code\":1001}}", await b.ReceiveTextAsync());
        var warn = await relay.Logs.WaitForAsync("phone_forwarder_marshal_err");
        Assert.Equal((Microsoft.Extensions.Logging.LogLevel.Warning, "s1", c, "relay: phone frame is not valid JSON"),
            (warn.Level, warn["server_id"], warn["conn_id"], warn["err"]));
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == c);
        await b.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task BinaryNotReading_EnvelopeWriteTimesOut_Phone1000_BinaryAbortedIntoGrace()
    {
        await using var relay = await StartRelayAsync(o => o with { WriteTimeout = TimeSpan.FromSeconds(1) });
        var (b, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _b = b;
        await relay.Logs.WaitForAsync("server_claimed");
        var (p, c) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        var frame = Encoding.UTF8.GetBytes(Envelopes.StringFrame(200_000));
        using var stop = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            for (var i = 0; i < 200 && !stop.IsCancellationRequested; i++)
            {
                await p.Socket.SendAsync(frame, System.Net.WebSockets.WebSocketMessageType.Text, true, stop.Token);
            }
        });

        var failed = await relay.Logs.WaitForAsync("phone_forwarder_send_failed", timeout: TimeSpan.FromSeconds(20));
        var pumpFinishedBeforeTheTimeout = pump.IsCompleted; // 200 x 200 KB cannot all be accepted while the binary reads nothing
        Assert.Equal(("s1", c), (failed["server_id"], failed["conn_id"]));
        Assert.Equal((1000, ""), await p.ReceiveCloseAsync(TimeSpan.FromSeconds(5)));
        await relay.Logs.WaitForAsync("server_released", timeout: TimeSpan.FromSeconds(5));
        await Health.WaitForAsync(relay, 0, 0);
        await stop.CancelAsync();
        if (!CrossNode)
        {
            // One relay: the phone's reader waits for the binary's write, so the pump was still blocked when the write
            // timed out. (After the close the relay reads and discards until the phone's close frame, so the pump may then
            // fail or run to its end: either is fine.) Across nodes the phone's node publishes without waiting for the
            // binary's write (docs/architecture.md#cluster-mode); the outcome above (phone 1000, binary into grace) is the same.
            Assert.False(pumpFinishedBeforeTheTimeout, "the phone's sends were not held back by the binary that reads nothing");
        }

        _ = await Record.ExceptionAsync(() => pump.WaitAsync(TimeSpan.FromSeconds(10))); // ends either way once the phone is closed
    }
}
