using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// A loopback TCP proxy that sends each connection to one of two relay nodes by the path of its first request line:
/// <c>/v1/client</c> and <c>/v2/client</c> to the phone node, everything else to the binary node. It lets the
/// scenario tests run unchanged with every phone on another node than its binary (cluster mode).
/// </summary>
internal sealed class PathProxy : IAsyncDisposable
{
    // Fixed socket buffers on both of the proxy's sockets (which also turns off TCP autotuning): the proxy reads
    // eagerly, so autotuned buffers (tcp_rmem up to 32 MiB here) would absorb megabytes a direct connection to a
    // client that does not read never would, and a stalled phone would look like a reading one to the relay.
    private const int SocketBuffer = 64 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _binaryPort;
    private readonly int _phonePort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;

    private PathProxy(int binaryPort, int phonePort)
    {
        _binaryPort = binaryPort;
        _phonePort = phonePort;
        _listener.Server.ReceiveBufferSize = SocketBuffer; // accepted sockets inherit it (and the window scale it implies)
        _listener.Server.SendBufferSize = SocketBuffer;
        _listener.Start();
        _accept = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The proxy's port.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Starts a proxy in front of the two nodes.</summary>
    public static PathProxy Start(int binaryPort, int phonePort) => new(binaryPort, phonePort);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        client.NoDelay = true;
        var inbound = client.GetStream();
        var head = new List<byte>();
        var one = new byte[1];
        try
        {
            while (head.Count < 8192 && !(head.Count > 0 && head[^1] == '\n'))
            {
                if (await inbound.ReadAsync(one, _stop.Token) == 0)
                {
                    return;
                }

                head.Add(one[0]);
            }

            var line = Encoding.ASCII.GetString([.. head]);
            var path = line.Split(' ').Skip(1).FirstOrDefault() ?? "";
            var queryless = path.Split('?')[0];
            var port = queryless is "/v1/client" or "/v2/client" ? _phonePort : _binaryPort;
            using var upstream = new TcpClient { NoDelay = true, ReceiveBufferSize = SocketBuffer, SendBufferSize = SocketBuffer };
            await upstream.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
            var outbound = upstream.GetStream();
            await outbound.WriteAsync(head.ToArray(), _stop.Token);
            var up = PumpAsync(inbound, outbound, upstream.Client);
            var down = PumpAsync(outbound, inbound, client.Client);
            await Task.WhenAll(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    // Copies until EOF, then half-closes the other side (a close on one side reaches the other, like a direct connection).
    private async Task PumpAsync(Stream from, Stream to, Socket toSocket)
    {
        var buffer = new byte[16384];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }

            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            try
            {
                toSocket.Close(0); // a reset on one side resets the other
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
