using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// docs/operations.md#http-timeouts on the TLS listener: a client that stalls before or inside the TLS handshake, or in its
/// request headers after it, is closed after about 5 s; meanwhile other clients are served, and (docs/operations.md#connection-cap) such a
/// connection holds no connection-cap slot.
/// </summary>
public sealed class TlsTimeoutRelayTests : IDisposable
{
    private const string Domain = "relay.example.com";
    private readonly StaticCerts _certs = new(Domain);

    [Fact]
    public async Task Stalled_tls_clients_are_closed_after_about_5s_and_hold_no_slot()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Static(Domain, _certs.CertFile, _certs.KeyFile) with { MaxConnections = 1 });
        var tls = new RelayTarget(relay.Port, Domain, _certs.Root);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // 1. Connects and sends nothing. 2. Sends 3 bytes of a TLS record header. 3. Completes TLS, sends half a request.
        using var silent = await tls.ConnectAsync(cts.Token);
        using var partialHello = await tls.ConnectAsync(cts.Token);
        await partialHello.SendAsync(new byte[] { 0x16, 0x03, 0x01 }, SocketFlags.None, cts.Token);
        using var afterTls = await tls.ConnectAsync(cts.Token);
        var ssl = new SslStream(new NetworkStream(afterTls, ownsSocket: false));
        await ssl.AuthenticateAsClientAsync(tls.SslOptions(), cts.Token);
        await ssl.WriteAsync(Encoding.ASCII.GetBytes($"GET /v1/server HTTP/1.1\r\nHost: {Domain}\r\nX-Pyry"), cts.Token);
        var closes = new[] { silent, partialHello }.Select(s => RawHttp.ReadUntilClosedAsync(s, TimeSpan.FromSeconds(10))).ToList();
        var tlsClosed = ReadTlsUntilClosedAsync(ssl);

        // Meanwhile a binary is admitted (the stalled connections hold no slot) and /healthz is served.
        await using (var b = await relay.ConnectHolderAsync("e2e-s1", tls))
        {
            Assert.Equal(200, (await RawHttp.SendAsync(tls, RawHttp.Get("/healthz", Domain))).Status);
        }

        foreach (var close in closes)
        {
            var (bytes, elapsed, _) = await close;
            Assert.Empty(bytes);
            Assert.InRange(elapsed, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(8));
        }

        var (text, tlsElapsed) = await tlsClosed;
        Assert.InRange(tlsElapsed, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(8));
        Assert.True(text.Length == 0 || text.StartsWith("HTTP/1.1 408 Request Timeout\r\n", StringComparison.Ordinal), text);
        Assert.Empty(relay.Logs.Named("conn_cap_reached"));
        await ssl.DisposeAsync();
    }

    public void Dispose() => _certs.Dispose();

    private static async Task<(string Text, TimeSpan Elapsed)> ReadTlsUntilClosedAsync(SslStream ssl)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[1024];
        try
        {
            int n;
            while ((n = await ssl.ReadAsync(buffer, cts.Token)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
        }

        return (Encoding.ASCII.GetString(received.ToArray()), sw.Elapsed);
    }
}
