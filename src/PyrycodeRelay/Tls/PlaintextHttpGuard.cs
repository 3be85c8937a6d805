using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace PyrycodeRelay.Tls;

/// <summary>
/// Connection middleware placed just before TLS on the TLS listener (docs/operations.md#tls-parameters). Kestrel itself
/// only fails the handshake when plaintext HTTP arrives; this peeks at the first five bytes without consuming
/// them and, when they look like an HTTP request (the same test as Go's net/http), answers
/// <c>HTTP/1.0 400 Bad Request</c> with the body <c>Client sent an HTTP request to an HTTPS server.</c> and closes.
/// A connection that sends fewer than five bytes within the timeout is closed without a byte written.
/// </summary>
internal sealed class PlaintextHttpGuard
{
    private static readonly byte[] Response =
        "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server."u8.ToArray();

    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <summary>Creates the guard; <paramref name="timeout"/> bounds the wait for the first bytes.</summary>
    public PlaintextHttpGuard(TimeSpan timeout, TimeProvider time)
    {
        _timeout = timeout;
        _time = time;
    }

    /// <summary>Wraps the rest of the connection pipeline (for <c>ListenOptions.Use</c>).</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next) => context => InvokeAsync(context, next);

    /// <summary>Go's <c>tlsRecordHeaderLooksLikeHTTP</c>: the first five bytes are an HTTP method start.</summary>
    public static bool LooksLikeHttp(ReadOnlySpan<byte> first5) =>
        first5.Length >= 5 && (first5[..5].SequenceEqual("GET /"u8) || first5[..5].SequenceEqual("HEAD "u8)
            || first5[..5].SequenceEqual("POST "u8) || first5[..5].SequenceEqual("PUT /"u8)
            || first5[..5].SequenceEqual("OPTIO"u8));

    private async Task InvokeAsync(ConnectionContext context, ConnectionDelegate next)
    {
        var input = context.Transport.Input;
        bool looksLikeHttp;
        using (var timeout = new CancellationTokenSource(_timeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.ConnectionClosed))
        {
            try
            {
                while (true)
                {
                    var result = await input.ReadAsync(linked.Token);
                    var buffer = result.Buffer;
                    if (buffer.Length >= 5 || result.IsCompleted || result.IsCanceled)
                    {
                        looksLikeHttp = Check(buffer);
                        input.AdvanceTo(buffer.Start); // consume nothing: TLS reads the same bytes
                        break;
                    }

                    input.AdvanceTo(buffer.Start, buffer.End);
                }
            }
            catch (OperationCanceledException)
            {
                return; // closing the connection (FIN) without a byte written
            }
        }

        if (!looksLikeHttp)
        {
            await next(context);
            return;
        }

        await context.Transport.Output.WriteAsync(Response);
        await context.Transport.Output.CompleteAsync();
    }

    private static bool Check(ReadOnlySequence<byte> buffer)
    {
        Span<byte> first = stackalloc byte[5];
        if (buffer.Length < 5)
        {
            return false;
        }

        buffer.Slice(0, 5).CopyTo(first);
        return LooksLikeHttp(first);
    }
}
