using System.Text;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>Scenario B 29 (docs/tls.md): plaintext HTTP on the TLS port of the real relay process, without and with PROXY mode.</summary>
[Collection(RelayProcessCollection.Name)]
public sealed class TlsProcessTests : IDisposable
{
    private const string Domain = "relay.test";
    private const string Plaintext = "GET /healthz HTTP/1.1\r\nHost: relay.test\r\n\r\n";
    private readonly StaticCerts _certs = new(Domain);

    [Fact]
    public async Task B29_plaintext_on_the_tls_port_gets_http_1_0_400_and_is_not_served()
    {
        using var relay = await StartAsync(proxyProtocol: false);
        var (bytes, _, _) = await PlaintextAsync(relay.Target.Port);
        var text = Encoding.ASCII.GetString(bytes);
        Assert.StartsWith("HTTP/1.0 400", text, StringComparison.Ordinal);
        Assert.Equal("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.", text);
        var (code, _, stderr) = await relay.StopAsync();
        Assert.True(code == 0, string.Join("\n", stderr));
    }

    [Fact]
    public async Task B29_plaintext_on_the_tls_port_in_proxy_mode_is_closed_with_zero_bytes()
    {
        using var relay = await StartAsync(proxyProtocol: true);
        var (bytes, _, _) = await PlaintextAsync(relay.Target.Port);
        Assert.Empty(bytes);
        var starting = Assert.Single(relay.Named("starting"));
        Assert.Equal("true", starting["https_proxy_protocol"]);
        var (code, _, stderr) = await relay.StopAsync();
        Assert.True(code == 0, string.Join("\n", stderr));
    }

    [Fact]
    public async Task B34_the_process_reloads_changed_files_within_60s_while_a_wss_binary_stays_open()
    {
        using var relay = await StartAsync(proxyProtocol: false);
        var target = relay.Target;
        await using var b = await WsTestClient.ConnectBinaryAsync(target, "e2e-s34");
        await relay.Process.WaitForStderrAsync(l => l.Contains(" msg=server_claimed server_id=e2e-s34 ", StringComparison.Ordinal));

        var second = _certs.Issue();
        _certs.Replace(second);
        var reloaded = await WaitLineAsync(relay, "tls_cert_reloaded");
        Assert.Equal("INFO", reloaded["level"]);
        Assert.Equal(["time", "level", "msg", "path"], reloaded.Keys);
        Assert.Equal(_certs.CertFile, reloaded["path"]);
        Assert.Equal(second.Thumbprint, await PresentedAsync(target.Port));
        await ExchangeAsync(target, b, "e2e-s34");

        _certs.Garbage();
        var failed = await WaitLineAsync(relay, "tls_cert_reload_failed");
        Assert.Equal("WARN", failed["level"]);
        Assert.Equal(["time", "level", "msg", "path", "err"], failed.Keys);
        Assert.Equal(_certs.CertFile, failed["path"]);
        Assert.Equal(second.Thumbprint, await PresentedAsync(target.Port));
        await ExchangeAsync(target, b, "e2e-s34");
        var closed = b.ReadUntilCloseAsync();
        var (code, _, stderr) = await relay.StopAsync();
        Assert.True(code == 0, string.Join("\n", stderr));
        Assert.Equal((1001, "shutting down"), await closed);
    }

    public void Dispose() => _certs.Dispose();

    /// <summary>Waits (up to the 60 s of docs/operations.md#static-certificate-files) for a stderr line with <c>msg=</c><paramref name="msg"/>.</summary>
    private static async Task<LogfmtLine> WaitLineAsync(LiveRelay relay, string msg)
    {
        await Eventually.Async(() => relay.Named(msg).Count > 0, "log line " + msg, TimeSpan.FromSeconds(60));
        return Assert.Single(relay.Named(msg));
    }

    private async Task<string> PresentedAsync(int port)
    {
        string? seen = null;
        await using (await TlsClients.HandshakeAsync(port, Domain, _certs.Root, seen: c => seen = c.Thumbprint))
        {
        }

        return seen!;
    }

    private static async Task ExchangeAsync(RelayTarget target, WsTestClient binary, string serverId)
    {
        var phone = await WsTestClient.ConnectPhoneAsync(target, serverId);
        await phone.SendTextAsync("{\"x\":1}");
        var envelope = await binary.ReceiveTextAsync();
        Assert.EndsWith("\",\"frame\":{\"x\":1}}", envelope, StringComparison.Ordinal);
        await phone.CloseAsync();
        Assert.EndsWith("\",\"close_code\":1000}", await binary.ReceiveTextAsync(), StringComparison.Ordinal);
        await phone.DisposeAsync();
    }

    private Task<LiveRelay> StartAsync(bool proxyProtocol)
    {
        int https = RelayProcessRunner.FreePort(), http = RelayProcessRunner.FreePort(), metrics = RelayProcessRunner.FreePort();
        string[] args =
        [
            "--domain", Domain, "--tls-cert-file", _certs.CertFile, "--tls-key-file", _certs.KeyFile,
            "--https-listen", $"127.0.0.1:{https}", "--http-listen", $"127.0.0.1:{http}", "--metrics-listen", $"127.0.0.1:{metrics}",
            .. proxyProtocol ? new[] { "--https-proxy-protocol" } : [],
        ];
        var target = new RelayTarget(https, Domain, _certs.Root);
        if (proxyProtocol)
        {
            target = target.Behind(Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.9 127.0.0.1 50000 443\r\n"));
        }

        return LiveRelay.StartAsync(args, target, Domain, metrics);
    }

    private static async Task<ClosedConnection> PlaintextAsync(int port)
    {
        using var cts = new CancellationTokenSource(RawHttp.Timeout);
        using var socket = await new RelayTarget(port).ConnectAsync(cts.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(Plaintext), System.Net.Sockets.SocketFlags.None, cts.Token);
        return await RawHttp.ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(10));
    }
}
