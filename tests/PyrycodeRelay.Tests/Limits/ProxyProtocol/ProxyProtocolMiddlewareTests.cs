using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Limits;
using PyrycodeRelay.Limits.ProxyProtocol;
using PyrycodeRelay.Tests.Configuration;

namespace PyrycodeRelay.Tests.Limits.ProxyProtocol;

/// <summary>docs/operations.md#proxy-protocol over real sockets: PROXY middleware in front of TLS on Kestrel (scenarios 29, 30, 32, 33).</summary>
public class ProxyProtocolMiddlewareTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static TheoryData<string, byte[], string> Accepted => new()
    {
        { "v1 TCP4", ProxyHeaders.V1("PROXY TCP4 203.0.113.1 192.0.2.2 51000 443\r\n"), "203.0.113.1|51000" },
        { "v1 TCP6", ProxyHeaders.V1("PROXY TCP6 2001:db8::7 2001:db8::1 40000 443\r\n"), "2001:db8::7|40000" },
        { "v2 TCP4", ProxyHeaders.V2Tcp("198.51.100.7", 1234, "192.0.2.2", 443), "198.51.100.7|1234" },
        { "v2 TCP6", ProxyHeaders.V2Tcp("2001:db8::42", 65535, "2001:db8::1", 443), "2001:db8::42|65535" },
        { "v2 TCP4 with TLVs", ProxyHeaders.V2Tcp("203.0.113.9", 0, "192.0.2.2", 443, [0x04, 0x00, 0x03, 1, 2, 3]), "203.0.113.9|0" },
        { "v2 mapped source", ProxyHeaders.V2Tcp("::ffff:203.0.113.5", 7, "::ffff:192.0.2.2", 443), "203.0.113.5|7" },
    };

    public static TheoryData<string, byte[]> Rejected => new()
    {
        { "v2 LOCAL", ProxyHeaders.V2(ProxyHeaders.Local, ProxyHeaders.Unspec, []) },
        { "v2 LOCAL with TCP4 addresses", ProxyHeaders.V2Tcp("203.0.113.1", 1, "192.0.2.2", 443, versionCommand: ProxyHeaders.Local) },
        { "v2 UNSPEC", ProxyHeaders.V2(ProxyHeaders.Proxy, ProxyHeaders.Unspec, []) },
        { "v2 UDP4", ProxyHeaders.V2(ProxyHeaders.Proxy, ProxyHeaders.Udp4, new byte[12]) },
        { "v2 UNIX stream", ProxyHeaders.V2UnixStream() },
        { "signature then 0x55 and garbage", ProxyHeaders.Concat(ProxyHeaderParser.V2Signature.ToArray(), [0x55], "garbage!garbage!"u8.ToArray()) },
        { "PROXY UNKNOWN", ProxyHeaders.V1("PROXY UNKNOWN\r\n") },
        { "PROXY UNKNOWN with addresses", ProxyHeaders.V1("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n") },
        { "oversize v1", ProxyHeaders.V1("PROXY TCP4 " + new string('1', 120) + "\r\n") },
        { "v1 TCP4 with an IPv6 source", ProxyHeaders.V1("PROXY TCP4 2001:db8::1 192.0.2.2 1 443\r\n") },
        { "v1 port out of range", ProxyHeaders.V1("PROXY TCP4 203.0.113.1 192.0.2.2 65536 443\r\n") },
        { "plaintext HTTP (scenario 29)", ProxyHeaders.V1("GET /healthz HTTP/1.1\r\nHost: relay.test\r\n\r\n") },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task Valid_header_then_TLS_is_served_and_the_handler_sees_the_header_source(string name, byte[] header, string expected)
    {
        await using var host = await StartAsync(DefaultOptions.Proxy);
        using var socket = await RawHttp.ConnectAsync(host.Port);
        using var cts = new CancellationTokenSource(Deadline);

        var response = await TlsClients.GetAsync(socket, header, "/ip", TestPki.RelayTest, cts.Token);

        Assert.StartsWith("HTTP/1.1 200 ", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + expected, response, StringComparison.Ordinal);
        Assert.True(host.Requests == 1, name);
    }

    [Fact]
    public async Task Header_sent_byte_by_byte_before_TLS_is_parsed_incrementally()
    {
        await using var host = await StartAsync(DefaultOptions.Proxy);
        using var socket = await RawHttp.ConnectAsync(host.Port);
        using var cts = new CancellationTokenSource(Deadline);
        foreach (var b in ProxyHeaders.V2Tcp("203.0.113.77", 4242, "192.0.2.2", 443))
        {
            await RawHttp.SendBytesAsync(socket, [b]);
            await Task.Delay(2, cts.Token);
        }

        var response = await TlsClients.GetAsync(socket, prefix: null, "/ip", TestPki.RelayTest, cts.Token);
        Assert.EndsWith("\r\n\r\n203.0.113.77|4242", response, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task Rejected_header_is_closed_at_once_with_zero_bytes_and_no_handler_or_log(string name, byte[] bytes)
    {
        var host = await StartAsync(DefaultOptions.Proxy with { HeaderTimeout = TimeSpan.FromSeconds(30) });
        await using (host)
        {
            using var socket = await RawHttp.ConnectAsync(host.Port);
            await RawHttp.SendBytesAsync(socket, bytes);

            var closed = await RawHttp.ReadUntilClosedAsync(socket, Deadline);

            Assert.True(closed.Bytes.Length == 0, $"{name}: received {closed.Bytes.Length} bytes");
            Assert.True(closed.Elapsed < TimeSpan.FromSeconds(5), $"{name}: closed only after {closed.Elapsed}");
        }

        Assert.Equal(0, host.Requests);
        Assert.Empty(host.RelevantLogs());
    }

    [Fact]
    public async Task No_header_TLS_ClientHello_first_is_closed_with_zero_bytes()
    {
        var host = await StartAsync(DefaultOptions.Proxy with { HeaderTimeout = TimeSpan.FromSeconds(30) });
        await using (host)
        {
            using var socket = await RawHttp.ConnectAsync(host.Port);
            using var cts = new CancellationTokenSource(Deadline);

            var (bytes, error) = await TlsClients.TryHandshakeAsync(socket, prefix: null, TestPki.RelayTest, cts.Token);

            Assert.NotNull(error);
            Assert.Equal(0, bytes);
        }

        Assert.Equal(0, host.Requests);
        Assert.Empty(host.RelevantLogs());
    }

    [Fact]
    public async Task Silent_connection_is_closed_after_the_timeout_with_zero_bytes_while_others_are_served()
    {
        var timeout = TimeSpan.FromSeconds(3);
        var host = await StartAsync(DefaultOptions.Proxy with { HeaderTimeout = timeout });
        await using (host)
        {
            using var silent = await RawHttp.ConnectAsync(host.Port);
            using var partial = await RawHttp.ConnectAsync(host.Port);
            await RawHttp.SendBytesAsync(partial, ProxyHeaders.V1("PROXY TCP4 203.0.113.1 "));
            var silentClosed = RawHttp.ReadUntilClosedAsync(silent, Deadline);
            var partialClosed = RawHttp.ReadUntilClosedAsync(partial, Deadline);

            var started = Stopwatch.GetTimestamp();
            using var good = await RawHttp.ConnectAsync(host.Port);
            using var cts = new CancellationTokenSource(Deadline);
            var response = await TlsClients.GetAsync(good, ProxyHeaders.V2Tcp("203.0.113.8", 1, "192.0.2.2", 443), "/ip", TestPki.RelayTest, cts.Token);
            var servedAfter = Stopwatch.GetElapsedTime(started);

            Assert.EndsWith("203.0.113.8|1", response, StringComparison.Ordinal);
            Assert.True(servedAfter < TimeSpan.FromSeconds(2.5), $"good request took {servedAfter}"); // blocked, it would take 3 s
            Assert.False(silentClosed.IsCompleted, "silent connection closed before its timeout");

            foreach (var closed in new[] { await silentClosed, await partialClosed })
            {
                Assert.Empty(closed.Bytes);
                Assert.False(closed.Reset, "expected EOF (FIN), got a reset");
                Assert.InRange(closed.Elapsed, timeout - TimeSpan.FromSeconds(0.5), timeout + TimeSpan.FromSeconds(4));
            }
        }

        Assert.Equal(1, host.Requests);
        Assert.Empty(host.RelevantLogs());
    }

    [Fact]
    public async Task Peer_outside_trusted_cidrs_is_closed_at_once_without_reading()
    {
        Assert.True(TrustedCidrs.TryParse("10.0.0.0/8", out var trusted, out _));
        var host = await StartAsync(DefaultOptions.Proxy with { HeaderTimeout = TimeSpan.FromSeconds(30), TrustedSources = trusted });
        await using (host)
        {
            using var socket = await RawHttp.ConnectAsync(host.Port);
            using var cts = new CancellationTokenSource(Deadline);
            var (bytes, error) = await TlsClients.TryHandshakeAsync(socket, ProxyHeaders.V2Tcp("203.0.113.1", 1, "192.0.2.2", 443), TestPki.RelayTest, cts.Token);
            Assert.NotNull(error);
            Assert.Equal(0, bytes);

            // A silent untrusted peer is closed at once (the reset can even surface as a failed connect).
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var silent = await RawHttp.ConnectAsync(host.Port);
                var closed = await RawHttp.ReadUntilClosedAsync(silent, Deadline);
                Assert.Empty(closed.Bytes);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            Assert.True(elapsed < TimeSpan.FromSeconds(2), $"closed after {elapsed}");
        }

        Assert.Equal(0, host.Requests);
        Assert.Empty(host.RelevantLogs());
    }

    [Fact]
    public async Task Peer_inside_trusted_cidrs_is_served()
    {
        Assert.True(TrustedCidrs.TryParse("10.0.0.0/8, 127.0.0.0/8", out var trusted, out _));
        await using var host = await StartAsync(DefaultOptions.Proxy with { TrustedSources = trusted });
        using var socket = await RawHttp.ConnectAsync(host.Port);
        using var cts = new CancellationTokenSource(Deadline);

        var response = await TlsClients.GetAsync(socket, ProxyHeaders.V2Tcp("203.0.113.1", 9, "192.0.2.2", 443), "/ip", TestPki.RelayTest, cts.Token);

        Assert.StartsWith("HTTP/1.1 200 ", response, StringComparison.Ordinal);
        Assert.EndsWith("203.0.113.1|9", response, StringComparison.Ordinal);
    }

    private static Task<KestrelTestHost> StartAsync(ProxyProtocolOptions options) =>
        KestrelTestHost.StartAsync(
            listen =>
            {
                listen.UseProxyProtocol(options);
                listen.UseHttps(TestPki.RelayTest, https => https.HandshakeTimeout = TimeSpan.FromSeconds(5));
            },
            context =>
            {
                var body = $"{ClientIp.PeerIp(context)}|{context.Connection.RemotePort}";
                context.Response.ContentLength = body.Length;
                return context.Response.WriteAsync(body);
            });
}
