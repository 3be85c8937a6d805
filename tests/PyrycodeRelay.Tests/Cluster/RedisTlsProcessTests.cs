using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// <c>--cluster-redis rediss://…</c> against Debian's redis-server listening with TLS only (<c>--port 0 --tls-port</c>),
/// its certificate issued by a <see cref="TestPki"/> root (docs/operations.md#running-a-cluster): trusting the root
/// (<c>SSL_CERT_FILE</c>), the node becomes ready and relays; not trusting it, the node stays not ready.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class RedisTlsProcessTests
{
    [Fact]
    public async Task Rediss_with_a_trusted_certificate_node_becomes_ready_and_relays()
    {
        using var tls = await TlsRedis.StartAsync();
        await using var relay = await LiveRelay.StartAsync(
            ["--cluster-redis", $"rediss://127.0.0.1:{tls.Port}/0", "--node-id", "node-tls"],
            new Dictionary<string, string> { ["SSL_CERT_FILE"] = tls.RootFile });

        var health = await RawHttp.SendAsync(relay.Target, RawHttp.Get("/healthz", "127.0.0.1"));
        Assert.Contains("\"node_id\":\"node-tls\",\"cluster\":{\"redis\":\"up\"}", health.BodyText, StringComparison.Ordinal);
        await using (var binary = await relay.ConnectHolderAsync("srv-tls"))
        {
            var (phone, connId) = await relay.ConnectRegisteredPhoneAsync("srv-tls");
            await using var _ = phone;
            await phone.SendTextAsync("[1]");
            Assert.Equal(Envelopes.Data(connId, "[1]"), await binary.ReceiveTextAsync());
        }

        Assert.Equal(0, (await relay.StopAsync()).ExitCode);
    }

    [Fact]
    public async Task Rediss_with_an_untrusted_certificate_node_stays_not_ready()
    {
        using var tls = await TlsRedis.StartAsync();
        var port = RelayProcessRunner.FreePort();
        await using var relay = await LiveRelay.StartAsync(
            ["--insecure-listen", "127.0.0.1:" + port, "--metrics-listen=", "--cluster-redis", $"rediss://127.0.0.1:{tls.Port}", "--node-id", "node-tls"],
            new RelayTarget(port), "127.0.0.1", 0, waitReady: false);

        var down = await relay.WaitForLogAsync("cluster_redis_down");
        Assert.Equal("node-tls", down["node_id"]);
        var ready = await RawHttp.SendAsync(relay.Target, RawHttp.Get("/readyz", "127.0.0.1"));
        Assert.Equal(503, ready.Status);
        Assert.DoesNotContain(relay.Lines, l => l["msg"] == "cluster_redis_up");
        Assert.Equal(0, (await relay.StopAsync()).ExitCode);
    }

    /// <summary>A redis-server with TLS only, on a free port, its certificate (127.0.0.1) issued by a fresh test root.</summary>
    private sealed class TlsRedis : IDisposable
    {
        private readonly TempDir _dir = new();
        private readonly TestPki _pki = new("Redis Test Root");
        private Process? _process;

        public int Port { get; } = RelayProcessRunner.FreePort();

        public string RootFile => _dir.File("root.pem");

        public static async Task<TlsRedis> StartAsync()
        {
            Assert.True(File.Exists(RedisServer.Binary), $"{RedisServer.Binary} is missing: apt-get install -y redis-server");
            var tls = new TlsRedis();
            try
            {
                await tls.StartCoreAsync();
                return tls;
            }
            catch
            {
                tls.Dispose();
                throw;
            }
        }

        private async Task StartCoreAsync()
        {
            var (cert, key) = _pki.Issue(["localhost"], ["127.0.0.1"]);
            await File.WriteAllTextAsync(RootFile, _pki.RootPem);
            await File.WriteAllTextAsync(_dir.File("redis.crt"), cert.ExportCertificatePem() + "\n");
            await File.WriteAllTextAsync(_dir.File("redis.key"), TestPki.KeyPem(key, "pkcs8"));
            var psi = new ProcessStartInfo(RedisServer.Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in (string[])["--port", "0", "--tls-port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                         "--tls-cert-file", _dir.File("redis.crt"), "--tls-key-file", _dir.File("redis.key"), "--tls-ca-cert-file", RootFile,
                         "--tls-auth-clients", "no", "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no",
                         "--loglevel", "warning"])
            {
                psi.ArgumentList.Add(a);
            }

            _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            await Eventually.Async(() => !_process.HasExited && Listening(), () => $"redis-server (TLS) listens on port {Port}");
        }

        private bool Listening()
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                client.Connect("127.0.0.1", Port);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            if (_process is not null)
            {
                try
                {
                    _process.Kill();
                    _process.WaitForExit(10_000);
                }
                catch (InvalidOperationException)
                {
                }

                _process.Dispose();
            }

            _pki.Dispose();
            _dir.Dispose();
        }
    }
}
