using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Limits;

namespace PyrycodeRelay.Tests.Limits;

/// <summary>
/// What Kestrel's limits do to slow or silent clients (docs/operations.md#http-timeouts, scenario 107), with short timeouts,
/// and the <see cref="FirstByteTimeoutMiddleware"/> that closes the gap for silent connections.
/// Kestrel checks its timeouts on a 1 s heartbeat and allows one extra heartbeat interval, so a Kestrel timeout
/// T fires between T + 1 s and T + 2 s; <see cref="KestrelLimitSettings.Apply"/> sets T = relay value − 1 s.
/// </summary>
public class KestrelLimitsTests
{
    private static readonly byte[] PartialHeader =
        Encoding.ASCII.GetBytes("GET /v1/server HTTP/1.1\r\nHost: relay.test\r\nX-Pyrycode-Server: s1\r\n");

    [Fact]
    public async Task Scenario107_partial_header_is_closed_after_RequestHeadersTimeout_without_running_the_handler()
    {
        var host = await StartAsync(headers: TimeSpan.FromSeconds(2), keepAlive: TimeSpan.FromSeconds(120), firstByte: null);
        await using (host)
        {
            using var socket = await RawHttp.ConnectAsync(host.Port);
            await RawHttp.SendBytesAsync(socket, PartialHeader);

            var closed = await RawHttp.ReadUntilClosedAsync(socket);

            Assert.InRange(closed.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(5)); // upper: Kestrel checks once a second, plus a loaded machine
            Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", closed.Text, StringComparison.Ordinal);
            Assert.Contains("\r\nConnection: close\r\n", closed.Text, StringComparison.Ordinal);
            Assert.False(closed.Reset);
        }

        Assert.Equal(0, host.Requests);
        Assert.Empty(host.RelevantLogs());
    }

    [Fact]
    public async Task Without_first_byte_timeout_a_silent_connection_lives_until_the_keep_alive_timeout()
    {
        var host = await StartAsync(headers: TimeSpan.FromSeconds(2), keepAlive: TimeSpan.FromSeconds(4), firstByte: null);
        await using (host)
        {
            using var socket = await RawHttp.ConnectAsync(host.Port);

            var closed = await RawHttp.ReadUntilClosedAsync(socket);

            Assert.InRange(closed.Elapsed, TimeSpan.FromSeconds(3.9), TimeSpan.FromSeconds(8)); // upper bound generous: shared CI cores
            Assert.Empty(closed.Bytes);
        }

        Assert.Equal(0, host.Requests);
    }

    [Fact]
    public async Task First_byte_timeout_closes_a_silent_connection_with_zero_bytes_and_spares_later_requests()
    {
        var host = await StartAsync(headers: TimeSpan.FromSeconds(5), keepAlive: TimeSpan.FromSeconds(120), firstByte: TimeSpan.FromSeconds(1));
        await using (host)
        {
            using var silent = await RawHttp.ConnectAsync(host.Port);
            var silentClosed = RawHttp.ReadUntilClosedAsync(silent);

            using var keepAlive = await RawHttp.ConnectAsync(host.Port);
            var first = await RoundTripAsync(keepAlive);
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // idle longer than the first-byte timeout
            var second = await RoundTripAsync(keepAlive);

            Assert.StartsWith("HTTP/1.1 200 OK\r\n", first, StringComparison.Ordinal);
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", second, StringComparison.Ordinal);

            var closed = await silentClosed;
            Assert.InRange(closed.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4)); // upper: Kestrel checks once a second, plus a loaded machine
            Assert.Empty(closed.Bytes);
            Assert.False(closed.Reset);
        }

        Assert.Equal(2, host.Requests);
        Assert.Empty(host.RelevantLogs());
    }

    [Fact]
    public void Apply_maps_the_relay_timeouts_onto_Kestrel_minus_the_heartbeat_tolerance()
    {
        var options = new KestrelServerOptions();
        KestrelLimitSettings.Apply(options, new RelayOptions());

        Assert.Equal(TimeSpan.FromSeconds(4), options.Limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(119), options.Limits.KeepAliveTimeout);
        Assert.Null(options.Limits.MaxConcurrentConnections);
        Assert.Null(options.Limits.MaxConcurrentUpgradedConnections);
        Assert.Equal(TimeSpan.FromSeconds(1), KestrelLimitSettings.Compensate(TimeSpan.FromSeconds(1.5)));
    }

    [Fact]
    public async Task Tls_handshake_timeout_closes_a_silent_tcp_connection_with_zero_bytes()
    {
        var host = await KestrelTestHost.StartAsync(
            listen =>
            {
                listen.UseHttps(TestPki.RelayTest, https => https.HandshakeTimeout = TimeSpan.FromSeconds(1));
                listen.UseFirstByteTimeout(TimeSpan.FromSeconds(1));
            },
            context => context.Response.WriteAsync("ok"),
            options => options.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(120));
        await using (host)
        {
            using var silent = await RawHttp.ConnectAsync(host.Port);
            var closed = await RawHttp.ReadUntilClosedAsync(silent);
            Assert.InRange(closed.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4)); // upper: Kestrel checks once a second, plus a loaded machine
            Assert.Empty(closed.Bytes);

            using var good = await RawHttp.ConnectAsync(host.Port);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var response = await TlsClients.GetAsync(good, prefix: null, "/", TestPki.RelayTest, cts.Token);
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        }

        Assert.Equal(1, host.Requests);
    }

    private static async Task<string> RoundTripAsync(System.Net.Sockets.Socket socket)
    {
        await RawHttp.SendBytesAsync(socket, Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: relay.test\r\n\r\n"));
        var buffer = new byte[1024];
        var text = new StringBuilder();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!text.ToString().EndsWith("\r\n\r\nok", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, cts.Token);
            Assert.NotEqual(0, n);
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return text.ToString();
    }

    private static Task<KestrelTestHost> StartAsync(TimeSpan headers, TimeSpan keepAlive, TimeSpan? firstByte) =>
        KestrelTestHost.StartAsync(
            listen =>
            {
                if (firstByte is { } t)
                {
                    listen.UseFirstByteTimeout(t);
                }
            },
            context =>
            {
                context.Response.ContentLength = 2;
                return context.Response.WriteAsync("ok");
            },
            options => KestrelLimitSettings.Apply(options, new RelayOptions
            {
                RequestHeadersTimeout = headers,
                KeepAliveTimeout = keepAlive,
            }));
}
