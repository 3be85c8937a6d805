using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// Socket options of the relay listener's connections. <c>TCP_NOTSENT_LOWAT</c> keeps the kernel from queueing
/// megabytes of not-yet-sent data per socket (its send buffer grows up to <c>net.ipv4.tcp_wmem</c>'s maximum): what
/// the peer is slow to take waits in the relay instead, where control frames still go ahead of it
/// (<see cref="WebSockets.WsConnection"/>'s writer; issue 13 finding 3).
/// </summary>
internal static class TransportTuning
{
    private const int IpProtoTcp = 6;
    private const int TcpNotSentLowat = 25; // linux/tcp.h

    /// <summary>Sets <c>TCP_NOTSENT_LOWAT</c> to <paramref name="notSentLowWaterBytes"/> on each TCP connection (Linux; 0 = leave the kernel's).</summary>
    public static ListenOptions UseNotSentLowWater(this ListenOptions listen, int notSentLowWaterBytes)
    {
        ArgumentNullException.ThrowIfNull(listen);
        if (notSentLowWaterBytes <= 0 || !OperatingSystem.IsLinux())
        {
            return listen;
        }

        listen.Use(next => connection =>
        {
            Apply(connection, notSentLowWaterBytes);
            return next(connection);
        });
        return listen;
    }

    private static void Apply(ConnectionContext connection, int bytes)
    {
        var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is not { ProtocolType: ProtocolType.Tcp })
        {
            return;
        }

        try
        {
            Span<byte> value = stackalloc byte[sizeof(int)];
            MemoryMarshal.Write(value, in bytes);
            socket.SetRawSocketOption(IpProtoTcp, TcpNotSentLowat, value);
        }
        catch (SocketException)
        {
            // An older kernel without the option: the kernel's buffering applies.
        }
        catch (ObjectDisposedException)
        {
            // The connection is already gone.
        }
    }
}
