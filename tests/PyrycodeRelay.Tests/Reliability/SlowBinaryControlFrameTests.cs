using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace PyrycodeRelay.Tests.Reliability;

/// <summary>
/// Issue 13 finding 3: phones stream large frames to a live binary on a slow downlink. The relay's Pings (heartbeat and
/// conflict probe) must not wait behind the queued phone data, so a second claimant is refused 4409 (the incumbent is
/// live) instead of taking the server-id over, the heartbeat keeps the incumbent, and one phone's backlog does not
/// starve the others (docs/protocol.md#conflict-probe-and-takeover, #phone-to-binary).
/// </summary>
public sealed class SlowBinaryControlFrameTests
{
    private const int BigFrameChars = 250 * 1024;
    private const int ReadChunk = 4096;        // the binary reads 4 KiB every ~20 ms: about 200 KB/s
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Phones_streaming_to_a_slow_binary_do_not_cost_it_its_server_id()
    {
        await using var relay = await TestRelay.StartAsync(o => o with
        {
            ConflictProbeTimeout = ProbeTimeout,
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            // A streaming phone's own Pongs wait behind its frames (the relay reads a phone's next message only after
            // forwarding the previous one), several seconds here: the timeout leaves them room.
            HeartbeatTimeout = TimeSpan.FromSeconds(20),
        });
        using var incumbent = await RawWsClient.ConnectAsync(relay.Target, "/v1/server", RawWsClient.BinaryHeaders("s1"));
        await relay.Logs.WaitForAsync("server_claimed", e => e["server_id"] == "s1");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var binary = new SlowBinary(incumbent);
        var reading = Task.Run(() => binary.RunAsync(stop.Token));

        var phones = new List<WsTestClient>();
        var streams = new List<Task>();
        try
        {
            var big = Encoding.UTF8.GetBytes("{\"d\":\"" + new string('x', BigFrameChars) + "\"}");
            for (var i = 0; i < 4; i++)
            {
                var (phone, _) = await relay.ConnectRegisteredPhoneAsync(read: true); // reads: answers the heartbeat like an app
                phones.Add(phone);
                streams.Add(StreamAsync(phone, big, stop.Token));
            }

            var (small, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
            phones.Add(small);

            // Let the backlog build: the phones keep the relay's write path to the binary full.
            await Eventually.Async(() => binary.BigFrames >= 4, () => $"the binary receives the phones' big frames ({binary})", TimeSpan.FromSeconds(30));

            // Round robin toward the binary: a small frame overtakes the big phones' backlogs; it waits at most for
            // about one frame per other phone (plus what the transport already holds), never for their whole queues.
            for (var i = 0; i < 2; i++)
            {
                var before = binary.BigFrames;
                await small.SendTextAsync($"{{\"small\":{i}}}");
                await Eventually.Async(() => binary.SmallFrames > i, () => $"small frame {i} reaches the binary ({binary})", TimeSpan.FromSeconds(30));
                Assert.InRange(binary.BigFramesWhenSmallArrived[i] - before, 0, 8);
            }

            // A second claimant: the probe Ping is written ahead of the queued data and the live incumbent answers it.
            var clock = Stopwatch.StartNew();
            await using var claimant = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
            Assert.Equal((4409, "server-id already claimed"), await claimant.ReceiveCloseAsync(ProbeTimeout + TimeSpan.FromSeconds(10)));
            var refusedAfter = clock.Elapsed;
            await relay.Logs.WaitForAsync("server_id_conflict");
            Assert.Empty(relay.Logs.Named("server_id_takeover"));

            // The Pong came back before the probe timed out (the refusal did not need the timeout's fallback).
            Assert.True(refusedAfter < ProbeTimeout, $"4409 only after {refusedAfter}: the probe Ping waited behind the data");
            Assert.True(binary.PingsAnswered >= 2, $"pings answered: {binary.PingsAnswered}");
            Assert.Null(binary.Close); // never closed (a heartbeat timeout would be 1011)
            Assert.Empty(relay.Logs.Named("server_released"));
            Assert.Empty(relay.Logs.Named("phone_unregistered")); // every phone stayed
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(streams.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            await reading.ContinueWith(_ => { }, TaskScheduler.Default);
            foreach (var phone in phones)
            {
                await phone.DisposeAsync();
            }
        }
    }

    private static async Task StreamAsync(WsTestClient phone, byte[] frame, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await phone.Socket.SendAsync(frame, WebSocketMessageType.Text, true, stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The test ended.
        }
    }

    /// <summary>A live binary on a slow downlink: reads about 200 KB/s, answers every Ping at once when it reads it.</summary>
    private sealed class SlowBinary(RawWsClient client)
    {
        private byte[] _pending = new byte[BigFrameChars * 2];
        private int _pendingLength;
        private int _bigFrames;
        private int _smallFrames;
        private int _pingsAnswered;

        public int BigFrames => Volatile.Read(ref _bigFrames);

        public int SmallFrames => Volatile.Read(ref _smallFrames);

        public int PingsAnswered => Volatile.Read(ref _pingsAnswered);

        public List<int> BigFramesWhenSmallArrived { get; } = [];

        public RawFrame? Close { get; private set; }

        public override string ToString() => $"big {BigFrames}, small {SmallFrames}, pings answered {PingsAnswered}, close {Close}";

        public async Task RunAsync(CancellationToken stop)
        {
            var chunk = new byte[ReadChunk];
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var n = await client.ReadSomeAsync(chunk, stop);
                    if (n == 0)
                    {
                        return;
                    }

                    if (_pendingLength + n > _pending.Length)
                    {
                        Array.Resize(ref _pending, _pending.Length * 2);
                    }

                    chunk.AsSpan(0, n).CopyTo(_pending.AsSpan(_pendingLength));
                    _pendingLength += n;
                    await ParseAsync();
                    await Task.Delay(20, stop); // the slow link
                }
            }
            catch (OperationCanceledException)
            {
                // The test ended.
            }
        }

        private async Task ParseAsync()
        {
            var consumedTotal = 0;
            var buffer = _pending.AsMemory(0, _pendingLength);
            while (WsFrames.TryParse(buffer.Span[consumedTotal..], out var frame, out var consumed))
            {
                consumedTotal += consumed;
                switch (frame.Opcode)
                {
                    case WsFrames.Ping:
                        await client.SendFrameAsync(WsFrames.Pong, frame.Payload);
                        Interlocked.Increment(ref _pingsAnswered);
                        break;
                    case WsFrames.Close:
                        Close = frame;
                        break;
                    case WsFrames.Text when frame.Payload.Length > BigFrameChars:
                        Interlocked.Increment(ref _bigFrames);
                        break;
                    case WsFrames.Text:
                        lock (BigFramesWhenSmallArrived)
                        {
                            BigFramesWhenSmallArrived.Add(BigFrames);
                        }

                        Interlocked.Increment(ref _smallFrames);
                        break;
                }
            }

            if (consumedTotal == 0)
            {
                return;
            }

            buffer[consumedTotal..].CopyTo(_pending);
            _pendingLength -= consumedTotal;
        }
    }
}
