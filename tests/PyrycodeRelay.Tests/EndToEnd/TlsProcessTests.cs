using System.Text;
using PyrycodeRelay.Tests.Startup.Process;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>scenarios.md B 29: plaintext HTTP on the TLS port of the real relay process, without and with PROXY mode.</summary>
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
        var (code, _, stderr) = await relay.TerminateAsync();
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
        var (code, _, stderr) = await relay.TerminateAsync();
        Assert.True(code == 0, string.Join("\n", stderr));
    }

    public void Dispose() => _certs.Dispose();

    private Task<ProcessRelay> StartAsync(bool proxyProtocol)
    {
        int https = RelayProcess.FreePort(), http = RelayProcess.FreePort(), metrics = RelayProcess.FreePort();
        string[] args =
        [
            "--domain", Domain, "--tls-cert-file", _certs.CertFile, "--tls-key-file", _certs.KeyFile,
            "--https-listen", $"127.0.0.1:{https}", "--http-listen", $"127.0.0.1:{http}", "--metrics-listen", $"127.0.0.1:{metrics}",
            .. proxyProtocol ? new[] { "--https-proxy-protocol" } : [],
        ];
        var target = new E2eTarget(https, Domain, _certs.Root);
        if (proxyProtocol)
        {
            target = target.Behind(Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.9 127.0.0.1 50000 443\r\n"));
        }

        return ProcessRelay.StartAsync(args, null, target, Domain, metrics);
    }

    private static async Task<(byte[] Bytes, TimeSpan Elapsed, bool Reset)> PlaintextAsync(int port)
    {
        using var cts = new CancellationTokenSource(E2eWs.DefaultTimeout);
        using var socket = await new E2eTarget(port).ConnectAsync(cts.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(Plaintext), System.Net.Sockets.SocketFlags.None, cts.Token);
        return await RawHttp1.ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(10));
    }
}
