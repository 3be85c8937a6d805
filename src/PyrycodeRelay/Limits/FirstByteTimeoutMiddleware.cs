using Microsoft.AspNetCore.Connections;

namespace PyrycodeRelay.Limits;

/// <summary>
/// Kestrel connection middleware closing a connection whose first byte (of the first HTTP request, after TLS
/// when placed after <c>UseHttps</c>) does not arrive within the timeout. Kestrel's own
/// <c>RequestHeadersTimeout</c> only starts at the first byte of a request: a silent new connection is
/// otherwise held for the whole keep-alive timeout (docs/operations.md#http-timeouts wants headers within 5 s of the
/// connection). The bytes are only peeked, never consumed. On timeout the connection is closed with zero bytes
/// written and nothing logged.
/// </summary>
internal sealed class FirstByteTimeoutMiddleware
{
    private readonly ConnectionDelegate _next;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the middleware in front of <paramref name="next"/>.</summary>
    public FirstByteTimeoutMiddleware(ConnectionDelegate next, TimeSpan timeout, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _next = next;
        _timeout = timeout;
        _timeProvider = timeProvider;
    }

    /// <summary>Handles one connection.</summary>
    /// <remarks>
    /// Not async when the first byte is already buffered: the rest of the pipeline's task is then returned as
    /// is, so no frame of this middleware stays alive for the connection's lifetime (idle memory).
    /// </remarks>
    public Task OnConnectionAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var input = connection.Transport.Input;
        if (TryPeek(input, out var read))
        {
            var arrived = !read.Buffer.IsEmpty;
            input.AdvanceTo(read.Buffer.Start); // peek only: the next reader sees the same bytes at once
            if (arrived)
            {
                return _next(connection);
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                return Task.CompletedTask; // closed before any byte: zero bytes written, nothing logged
            }
        }

        return WaitThenContinueAsync(connection);
    }

    private async Task WaitThenContinueAsync(ConnectionContext connection)
    {
        if (!await FirstByteArrivedAsync(connection).ConfigureAwait(false))
        {
            return; // closed: zero bytes written, nothing logged
        }

        await _next(connection).ConfigureAwait(false);
    }

    private static bool TryPeek(System.IO.Pipelines.PipeReader input, out System.IO.Pipelines.ReadResult read)
    {
        try
        {
            return input.TryRead(out read);
        }
#pragma warning disable CA1031 // A transport failure before the first byte simply closes the connection (the slow path).
        catch (Exception)
#pragma warning restore CA1031
        {
            read = default;
            return false;
        }
    }

    private async Task<bool> FirstByteArrivedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        try
        {
            var read = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            var arrived = !read.Buffer.IsEmpty;
            input.AdvanceTo(read.Buffer.Start); // peek only: the next reader sees the same bytes at once
            return arrived;
        }
#pragma warning disable CA1031 // A timeout or transport failure before the first byte simply closes the connection.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
