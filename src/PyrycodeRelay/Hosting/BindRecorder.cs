using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// Wraps Kestrel's socket transport to learn which endpoint failed to bind and why, so that the
/// <c>listener failed</c> line names the right <c>addr</c> and a Go-style <c>err</c> (docs/operations.md#boot-sequence step 24),
/// and keeps the bound listeners so that the drain can stop accepting before it closes any connection
/// (<see cref="StopAcceptingAsync"/>, docs/operations.md#signals-and-drain).
/// </summary>
internal sealed class BindRecorder(IConnectionListenerFactory inner) : IConnectionListenerFactory
{
    private readonly List<int> _bound = [];
    private readonly List<IConnectionListener> _listeners = [];

    /// <summary>The transport it wraps.</summary>
    public IConnectionListenerFactory Inner => inner;

    /// <summary>The endpoint whose bind failed, if any.</summary>
    public EndPoint? FailedEndPoint { get; private set; }

    /// <summary>The socket error of the failed bind.</summary>
    public SocketError FailedError { get; private set; }

    /// <summary>Ports bound so far, in order.</summary>
    public IReadOnlyList<int> BoundPorts
    {
        get
        {
            lock (_bound)
            {
                return [.. _bound];
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        try
        {
            var listener = await inner.BindAsync(endpoint, cancellationToken);
            lock (_bound)
            {
                _bound.Add((listener.EndPoint as IPEndPoint)?.Port ?? 0);
                _listeners.Add(listener);
            }

            return listener;
        }
        catch (Exception ex) when (FindSocketError(ex) is { } error)
        {
            FailedEndPoint = endpoint;
            FailedError = error;
            throw;
        }
    }

    /// <summary>
    /// Closes every listening socket now: new connections are refused by the kernel, Kestrel's accept loops end
    /// quietly, and connections already accepted are untouched. Kestrel's own unbind at stop is then a no-op.
    /// </summary>
    public async Task StopAcceptingAsync()
    {
        IConnectionListener[] listeners;
        lock (_bound)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            await listener.UnbindAsync();
        }
    }

    /// <summary>The <see cref="SocketError"/> anywhere in an exception chain.</summary>
    public static SocketError? FindSocketError(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }

    /// <summary>Go's wording for a bind error (<c>bind: address already in use</c>).</summary>
    public static string Describe(SocketError error) => error switch
    {
        SocketError.AddressAlreadyInUse => "bind: address already in use",
        SocketError.AccessDenied => "bind: permission denied",
        SocketError.AddressNotAvailable => "bind: cannot assign requested address",
        _ => "bind: " + error.ToString().ToLowerInvariant(),
    };
}
