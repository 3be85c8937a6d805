using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.Reliability;

/// <summary>
/// Fault: slowloris — clients that trickle a request header block and never finish it. Each is closed at the
/// header timeout (docs/protocol.md#defaults "HTTP request-header read 5 s", here 2 s; scenario 107) without any
/// endpoint running, while other clients are served normally.
/// </summary>
public sealed class SlowlorisTests
{
    [Fact]
    public async Task Trickled_headers_are_cut_at_the_header_timeout_while_others_are_served()
    {
        var timeout = TimeSpan.FromSeconds(2);
        await using var relay = await TestRelay.StartAsync(o => o with { RequestHeadersTimeout = timeout });
        var port = relay.Host.RelayPort;
        await using var binary = await relay.ConnectHolderAsync();
        var logLines = relay.Logs.Entries.Count;

        var lorises = Enumerable.Range(0, 8).Select(i => Task.Run(() => TrickleAsync(port, i))).ToArray();

        // While they trickle: health answers promptly, and a phone registers and exchanges frames both ways.
        await Task.Delay(300);
        var sw = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await relay.Http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1.5), $"/healthz took {sw.Elapsed}"); // blocked, it would take 2 s
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync();
        await using var _ = phone;
        await phone.SendTextAsync("{\"n\":1}");
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"n\":1}}}}", await binary.ReceiveTextAsync());
        await binary.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"n\":2}}}}");
        Assert.Equal("{\"n\":2}", await phone.ReceiveTextAsync());

        foreach (var (closedAfter, response, bytesSent) in await Task.WhenAll(lorises).WaitAsync(TimeSpan.FromSeconds(15)))
        {
            // Cut at the header timeout (Kestrel checks it on a 1 s heartbeat), although bytes kept coming.
            Assert.InRange(closedAfter, timeout - TimeSpan.FromMilliseconds(100), timeout + TimeSpan.FromSeconds(3));
            Assert.True(bytesSent > 3, "the client kept trickling");

            // Nothing was served: no 101 and no relay response; at most Kestrel's own 408.
            Assert.True(response.Length == 0 || response.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), response);
        }

        // No endpoint ran for them: the only new log lines are the phone's.
        var newEvents = relay.Logs.Entries.Skip(logLines).Select(e => e.Name).ToArray();
        Assert.Equal(["phone_registered"], newEvents);
        Assert.Equal(1, relay.Host.Registry.ConnectedBinaries);
    }

    /// <summary>Sends a request line and header bytes one at a time, 250 ms apart, until the relay closes.</summary>
    private static async Task<(TimeSpan ClosedAfter, string Response, int BytesSent)> TrickleAsync(int port, int i)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var sw = Stopwatch.StartNew();
        var request = Encoding.ASCII.GetBytes($"GET /v1/server HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pyrycode-Server: slow{i}\r\nX-Padding: " + new string('a', 200));
        var received = new List<byte>();
        var sent = 0;
        var buffer = new byte[4096];
        var read = socket.ReceiveAsync(buffer.AsMemory()).AsTask();
        while (sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (sent < request.Length)
            {
                try
                {
                    await socket.SendAsync(request.AsMemory(sent, 1));
                    sent++;
                }
                catch (SocketException)
                {
                }
            }

            if (await Task.WhenAny(read, Task.Delay(250)) == read)
            {
                int n;
                try
                {
                    n = await read;
                }
                catch (SocketException)
                {
                    n = 0;
                }

                if (n == 0)
                {
                    return (sw.Elapsed, Encoding.ASCII.GetString([.. received]), sent);
                }

                received.AddRange(buffer.AsSpan(0, n).ToArray());
                read = socket.ReceiveAsync(buffer.AsMemory()).AsTask();
            }
        }

        throw new TimeoutException($"slowloris {i} was not closed within 10 s");
    }
}
