using System.Net.WebSockets;
using System.Text;

namespace PyrycodeRelay.Tests.Reliability;

/// <summary>
/// Drives one <see cref="WsTestClient"/> during a flood: a sender loop (until the connection closes) and a reader
/// that counts data messages, answers the relay's close frame and reports its code and reason.
/// </summary>
internal sealed class FloodPeer
{
    private readonly WsTestClient _client;
    private readonly Func<int, string?> _next;
    private volatile bool _stopped;
    private readonly List<string> _messages = [];

    /// <param name="client">The connected client.</param>
    /// <param name="next">Message number → text to send (null: send nothing this round).</param>
    public FloodPeer(WsTestClient client, Func<int, string?> next)
    {
        _client = client;
        _next = next;
        Sender = Task.Run(SendLoopAsync);
        Closed = Task.Run(ReadLoopAsync);
    }

    /// <summary>The close code and reason the relay sent (or fails if the connection ended without one).</summary>
    public Task<(int Code, string Reason)> Closed { get; }

    /// <summary>The sender loop.</summary>
    public Task Sender { get; }

    /// <summary>Every data message received.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    private async Task SendLoopAsync()
    {
        for (var n = 1; !_stopped; n++)
        {
            var text = _next(n);
            try
            {
                if (text is not null)
                {
                    await _client.Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
                }

                await Task.Delay(1);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task<(int, string)> ReadLoopAsync()
    {
        while (true)
        {
            var (type, bytes, status, reason) = await _client.ReceiveAnyAsync(TimeSpan.FromSeconds(20));
            if (type == WebSocketMessageType.Close)
            {
                _stopped = true;
                await Sender;
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                {
                }

                return ((int)(status ?? 0), reason ?? "");
            }

            lock (_messages)
            {
                _messages.Add(Encoding.UTF8.GetString(bytes));
            }
        }
    }
}
