using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace PyrycodeRelay.Transport;

/// <summary>
/// A listening socket of the epoll transport: accepts with the runtime's socket engine (one call per connection),
/// then hands each connection to an <see cref="EpollLoop"/> for its life.
/// </summary>
internal sealed class EpollListener(Socket listen, EpollTransportFactory transport) : IConnectionListener
{
    public EndPoint EndPoint { get; } = listen.LocalEndPoint!;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await listen.AcceptAsync(cancellationToken);
            }
            catch (ObjectDisposedException)
            {
                return null; // unbound
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                return null; // unbound
            }
            catch (SocketException)
            {
                continue; // reset before it was accepted, or out of descriptors for a moment
            }

            EpollConnection connection;
            try
            {
                accepted.NoDelay = true;
                connection = new EpollConnection(accepted, transport.Pool, transport.InputOptions, transport.OutputOptions);
            }
            catch (SocketException)
            {
                accepted.Dispose(); // gone before its end points could be read
                continue;
            }

            if (!EpollLoop.TryRegister(connection, out _))
            {
                accepted.Dispose();
                continue;
            }

            transport.OnAccepted();
            connection.Start();
            return connection;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        listen.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        listen.Dispose();
        return ValueTask.CompletedTask;
    }
}
