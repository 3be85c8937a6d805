using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.Limits;

/// <summary>Raw TCP helpers: every wait has a deadline that fails the test.</summary>
internal static class RawSocket
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    public static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(DefaultDeadline);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        return socket;
    }

    /// <summary>Reads until the peer closes (EOF or reset). Throws (test fails) if the deadline passes first.</summary>
    public static async Task<CloseObservation> ReadUntilClosedAsync(Socket socket, TimeSpan? deadline = null)
    {
        var started = Stopwatch.GetTimestamp();
        using var cts = new CancellationTokenSource(deadline ?? DefaultDeadline);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n;
                try
                {
                    n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                }
                catch (OperationCanceledException) when (cts.IsCancellationRequested)
                {
                    throw new TimeoutException(
                        $"connection still open after {deadline ?? DefaultDeadline}; received {received.Length} bytes");
                }

                if (n == 0)
                {
                    return new CloseObservation(received.ToArray(), Reset: false, Stopwatch.GetElapsedTime(started));
                }

                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return new CloseObservation(received.ToArray(), Reset: true, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Sends bytes, tolerating a reset by a server that already closed.</summary>
    public static async Task SendAsync(Socket socket, byte[] bytes)
    {
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
        }
    }

    /// <summary>What the client saw when the server closed the connection.</summary>
    internal sealed record CloseObservation(byte[] Received, bool Reset, TimeSpan Elapsed)
    {
        public string Text => Encoding.ASCII.GetString(Received);
    }
}
