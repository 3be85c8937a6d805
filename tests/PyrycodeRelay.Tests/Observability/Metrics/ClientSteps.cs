using System.Net.WebSockets;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>Small client steps the metrics scenarios share.</summary>
internal static class ClientSteps
{
    /// <summary>Receives the relay's close frame (asserting code and reason) and answers it, completing the handshake.</summary>
    public static async Task ExpectCloseAsync(this WsTestClient client, int code, string reason)
    {
        Assert.Equal((code, reason), await client.ReceiveCloseAsync());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
    }

    /// <summary>
    /// Keeps a client reading (so it answers pings) until the relay closes it (the close is answered) or it is
    /// disposed; returns the text messages it read.
    /// </summary>
    public static Task<List<string>> KeepReadingAsync(this WsTestClient client) => Task.Run(async () =>
    {
        var seen = new List<string>();
        try
        {
            while (true)
            {
                var (type, bytes, _, _) = await client.ReceiveAnyAsync(TimeSpan.FromSeconds(60));
                if (type == WebSocketMessageType.Close)
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
                    return seen;
                }

                seen.Add(System.Text.Encoding.UTF8.GetString(bytes));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or TimeoutException or OperationCanceledException)
        {
            return seen;
        }
    });

    /// <summary>Dials <paramref name="path"/> with <paramref name="headers"/> and asserts the upgrade is refused with 400.</summary>
    public static async Task ExpectRejectedAsync(TestRelay relay, string path, Dictionary<string, string> headers)
    {
        var error = await Assert.ThrowsAsync<WebSocketException>(() => WsTestClient.ConnectAsync(relay.WsUri(path), headers));
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
    }
}
