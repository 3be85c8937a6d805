using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using PyrycodeRelay.Tests.Support;
using PyrycodeRelay.Transport;

namespace PyrycodeRelay.Tests.Transport;

/// <summary>The epoll transport against real TCP clients: bytes both ways, back-pressure both ways, the ends.</summary>
public sealed class EpollTransportTests
{
    [Fact]
    public async Task Bytes_cross_both_ways_with_the_peer_end_points()
    {
        await using var rig = await EpollRig.StartAsync();
        var (client, server) = await rig.ConnectAsync();
        using var _ = client;

        await client.SendAsync("hello relay"u8.ToArray());
        Assert.Equal("hello relay", Encoding.ASCII.GetString(await EpollRig.ReadInputAsync(server.Transport.Input, 11)));

        await server.Transport.Output.WriteAsync("and back"u8.ToArray());
        Assert.Equal("and back", Encoding.ASCII.GetString(await EpollRig.ReadClientAsync(client, 8)));

        Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
        Assert.Equal(client.RemoteEndPoint, server.LocalEndPoint);
        Assert.Equal(client.LocalEndPoint, server.Features.Get<IConnectionEndPointFeature>()!.RemoteEndPoint);
        Assert.Equal(client.LocalEndPoint, server.Features.Get<IConnectionSocketFeature>()!.Socket.RemoteEndPoint);
        Assert.Same(rig.Pool, server.Features.Get<IMemoryPoolFeature>()!.MemoryPool);
        Assert.Equal(1, rig.Factory.Accepted);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task A_send_larger_than_the_kernel_takes_waits_for_the_peer_and_keeps_every_byte_in_order()
    {
        await using var rig = await EpollRig.StartAsync(maxWrite: 64 << 20);
        var (client, server) = await rig.ConnectAsync();
        using var _ = client;
        var payload = EpollRig.Pattern(32 << 20, 7);

        // One flush of 32 MiB in 100 KiB pieces: more than the kernel's buffers hold while the client does not read.
        var write = Task.Run(async () =>
        {
            for (var at = 0; at < payload.Length; at += 100 * 1024)
            {
                var piece = payload.AsSpan(at, Math.Min(100 * 1024, payload.Length - at));
                piece.CopyTo(server.Transport.Output.GetSpan(piece.Length));
                server.Transport.Output.Advance(piece.Length);
            }

            await server.Transport.Output.FlushAsync();
        });

        var received = await EpollRig.ReadClientAsync(client, payload.Length);
        await write.WaitAsync(EpollRig.Timeout);
        Assert.True(payload.AsSpan().SequenceEqual(received), "the client received other bytes than were sent");
        Assert.True(server.WritableWaits > 0, "the kernel took 32 MiB without a full buffer: the wait path was not exercised");
        await server.DisposeAsync();
    }

    [Fact]
    public async Task A_peer_that_sends_faster_than_the_application_reads_is_paused_and_loses_nothing()
    {
        await using var rig = await EpollRig.StartAsync(maxRead: 65536);
        var (client, server) = await rig.ConnectAsync();
        using var _ = client;
        var payload = EpollRig.Pattern(8 << 20, 3);

        var send = client.SendAsync(payload);
        var first = await server.Transport.Input.ReadAsync().AsTask().WaitAsync(EpollRig.Timeout);
        server.Transport.Input.AdvanceTo(first.Buffer.Start, first.Buffer.End); // examined, not consumed: the pipe fills

        await Eventually.Async(() => server.ReceivePauses > 0, "the receive never paused on the full input pipe", EpollRig.Timeout);
        Assert.False(send.IsCompleted, "8 MiB fitted in the socket buffers and the 64 KiB input pipe");

        var received = await EpollRig.ReadInputAsync(server.Transport.Input, payload.Length);
        await send.WaitAsync(EpollRig.Timeout);
        Assert.True(payload.AsSpan().SequenceEqual(received), "the application read other bytes than were sent");
        await server.DisposeAsync();
    }

    [Fact]
    public async Task End_of_stream_completes_the_input_after_the_data_and_fires_connection_closed()
    {
        await using var rig = await EpollRig.StartAsync();
        var (client, server) = await rig.ConnectAsync();
        using var _ = client;
        var closed = new TaskCompletionSource();
        server.ConnectionClosed.Register(() => closed.TrySetResult());

        await client.SendAsync("last"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("last", Encoding.ASCII.GetString(await EpollRig.ReadInputAsync(server.Transport.Input, 4)));
        var end = await server.Transport.Input.ReadAsync().AsTask().WaitAsync(EpollRig.Timeout);
        Assert.True(end.IsCompleted);
        Assert.True(end.Buffer.IsEmpty);
        await closed.Task.WaitAsync(EpollRig.Timeout);
        await server.DisposeAsync().AsTask().WaitAsync(EpollRig.Timeout);
        Assert.Equal(0, await client.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(EpollRig.Timeout)); // the server closed too
    }

    [Fact]
    public async Task A_reset_by_the_peer_ends_the_input_and_fires_connection_closed()
    {
        await using var rig = await EpollRig.StartAsync();
        var (client, server) = await rig.ConnectAsync();
        var closed = new TaskCompletionSource();
        server.ConnectionClosed.Register(() => closed.TrySetResult());

        client.LingerState = new LingerOption(true, 0);
        client.Close(); // RST

        var ended = await EndOfInputAsync(server);
        Assert.True(ended is null or ConnectionResetException, $"unexpected end of input: {ended}");
        await closed.Task.WaitAsync(EpollRig.Timeout);
        await server.DisposeAsync().AsTask().WaitAsync(EpollRig.Timeout);
    }

    [Fact]
    public async Task Abort_ends_the_input_with_its_reason_and_closes_the_socket()
    {
        await using var rig = await EpollRig.StartAsync();
        var (client, server) = await rig.ConnectAsync();
        using var _ = client;

        server.Abort(new ConnectionAbortedException("test abort"));

        var error = await Assert.ThrowsAsync<ConnectionAbortedException>(async () => await server.Transport.Input.ReadAsync().AsTask().WaitAsync(EpollRig.Timeout));
        Assert.Equal("test abort", error.Message);
        Assert.Equal(0, await client.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(EpollRig.Timeout));
        await server.DisposeAsync().AsTask().WaitAsync(EpollRig.Timeout);
        await server.Processed.WaitAsync(EpollRig.Timeout);
    }

    [Fact]
    public async Task Abort_wakes_a_send_that_waits_for_a_peer_that_does_not_read()
    {
        await using var rig = await EpollRig.StartAsync(maxWrite: 1 << 20); // the flush waits while the pipe holds 1 MiB
        var (client, server) = await rig.ConnectAsync();
        using var _ = client;
        var payload = EpollRig.Pattern(32 << 20, 5);

        var flush = server.Transport.Output.WriteAsync(payload).AsTask(); // the client never reads
        await Eventually.Async(() => server.WritableWaits > 0, "the send never waited for the writable event", EpollRig.Timeout);
        Assert.False(flush.IsCompleted, "32 MiB went out to a client that does not read");

        server.Abort(new ConnectionAbortedException("stalled peer"));

        await server.Processed.WaitAsync(EpollRig.Timeout); // the send loop woke, ended, and the socket closed
        var result = await flush.WaitAsync(EpollRig.Timeout);
        Assert.True(result.IsCompleted, "the application's flush did not learn that the output is gone");
        await server.DisposeAsync().AsTask().WaitAsync(EpollRig.Timeout);
    }

    [Fact]
    public async Task Abort_ends_a_receive_paused_on_a_full_input_pipe()
    {
        await using var rig = await EpollRig.StartAsync(maxRead: 65536);
        var (client, server) = await rig.ConnectAsync();
        using var _ = client;

        var send = client.SendAsync(EpollRig.Pattern(8 << 20, 9));
        var first = await server.Transport.Input.ReadAsync().AsTask().WaitAsync(EpollRig.Timeout);
        server.Transport.Input.AdvanceTo(first.Buffer.Start, first.Buffer.End); // examined, not consumed: the pipe fills
        await Eventually.Async(() => server.ReceivePauses > 0, "the receive never paused on the full input pipe", EpollRig.Timeout);

        server.Abort(new ConnectionAbortedException("paused peer"));

        var error = await Assert.ThrowsAsync<ConnectionAbortedException>(async () => await DrainInputAsync(server));
        Assert.Equal("paused peer", error.Message);
        await server.Processed.WaitAsync(EpollRig.Timeout);
        await server.DisposeAsync().AsTask().WaitAsync(EpollRig.Timeout);
        await Assert.ThrowsAnyAsync<SocketException>(() => send.WaitAsync(EpollRig.Timeout)); // reset: the server closed with data unread
    }

    [Fact]
    public async Task Completing_the_output_sends_what_is_queued_then_the_end_of_stream()
    {
        await using var rig = await EpollRig.StartAsync(maxWrite: 4 << 20);
        var (client, server) = await rig.ConnectAsync();
        using var _ = client;
        var payload = EpollRig.Pattern(3 << 20, 11);

        await server.Transport.Output.WriteAsync(payload);
        await server.Transport.Output.CompleteAsync();

        var received = await EpollRig.ReadClientAsync(client, payload.Length);
        Assert.True(payload.AsSpan().SequenceEqual(received), "the client received other bytes than were sent");
        Assert.Equal(0, await client.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(EpollRig.Timeout));
        await server.DisposeAsync().AsTask().WaitAsync(EpollRig.Timeout);
    }

    [Fact]
    public async Task Connections_come_and_go_through_the_loops_without_crossing()
    {
        await using var rig = await EpollRig.StartAsync();
        for (var round = 0; round < 5; round++)
        {
            var pairs = new List<(Socket Client, EpollConnection Server)>();
            for (var i = 0; i < 40; i++)
            {
                pairs.Add(await rig.ConnectAsync());
            }

            // Each connection echoes its own marker: a stale slot or a reused descriptor would cross them.
            await Task.WhenAll(pairs.Select(async (pair, i) =>
            {
                var marker = Encoding.ASCII.GetBytes($"r{round}c{i:D3}");
                await pair.Client.SendAsync(marker);
                var got = await EpollRig.ReadInputAsync(pair.Server.Transport.Input, marker.Length);
                await pair.Server.Transport.Output.WriteAsync(got);
                Assert.Equal(marker, await EpollRig.ReadClientAsync(pair.Client, marker.Length));
            }));

            foreach (var (client, server) in pairs)
            {
                client.Dispose();
                await server.DisposeAsync().AsTask().WaitAsync(EpollRig.Timeout);
            }
        }

        Assert.Equal(200, rig.Factory.Accepted);
    }

    [Fact]
    public async Task Unbind_ends_a_pending_accept_with_null()
    {
        await using var rig = await EpollRig.StartAsync();
        var accept = rig.Listener.AcceptAsync().AsTask();
        await rig.Listener.UnbindAsync();
        Assert.Null(await accept.WaitAsync(EpollRig.Timeout));
    }

    [Fact]
    public async Task A_port_in_use_fails_the_bind_as_kestrel_does()
    {
        await using var rig = await EpollRig.StartAsync();
        var error = await Assert.ThrowsAsync<AddressInUseException>(async () =>
            await rig.Factory.BindAsync(new IPEndPoint(IPAddress.Loopback, rig.Port)));
        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
    }

    [Fact]
    public async Task An_endpoint_that_is_not_ip_goes_to_the_fallback_transport()
    {
        using var dir = new TempDir();
        await using var rig = await EpollRig.StartAsync();
        var path = Path.Combine(dir.Path, "relay.sock");
        await using var listener = await rig.Factory.BindAsync(new UnixDomainSocketEndPoint(path));
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var accept = listener.AcceptAsync().AsTask();
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path)).WaitAsync(EpollRig.Timeout);
        await using var connection = await accept.WaitAsync(EpollRig.Timeout);
        Assert.IsNotType<EpollConnection>(connection);
        Assert.Equal(0, rig.Factory.Accepted);
    }

    /// <summary>Reads and consumes the input until it ends (or throws what it ended with).</summary>
    private static async Task DrainInputAsync(EpollConnection server)
    {
        while (true)
        {
            var result = await server.Transport.Input.ReadAsync().AsTask().WaitAsync(EpollRig.Timeout);
            server.Transport.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private static async Task<Exception?> EndOfInputAsync(EpollConnection server)
    {
        try
        {
            while (true)
            {
                var result = await server.Transport.Input.ReadAsync().AsTask().WaitAsync(EpollRig.Timeout);
                server.Transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return null;
                }
            }
        }
        catch (ConnectionResetException ex)
        {
            return ex;
        }
    }
}
