using System.Net;
using System.Net.Sockets;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>
/// The three systems under test, started as processes. <paramref name="relayDll"/> overrides the relay build
/// (the candidate of an A/B run); <paramref name="tls"/> is the certificate of the <c>wss</c> rows.
/// </summary>
internal sealed class Targets(string repoRoot, string outDir, string? relayDll, (string Cert, string Key) tls)
{
    public string RelayDll => relayDll ?? Path.Combine(repoRoot, "src/PyrycodeRelay/bin/Release/net10.0/pyrycode-relay.dll");

    public string EchoDll => Path.Combine(repoRoot, "bench/PyrycodeRelay.EchoServer/bin/Release/net10.0/PyrycodeRelay.EchoServer.dll");

    /// <summary>
    /// Starts the relay with the benchmark flags (capabilities dropped: it refuses to run with any). With
    /// <paramref name="useTls"/> it terminates TLS itself on <paramref name="port"/> with the run's static
    /// certificate (<c>--domain</c> <see cref="Net.BenchTls.Domain"/>; the ACME http listener on a second free port).
    /// </summary>
    public ChildProcess StartRelay(int port, string name = "relay", string? dll = null, IReadOnlyDictionary<string, string>? environment = null,
        bool useTls = false)
    {
        string[] listen = useTls
            ?
            [
                "--domain", Net.BenchTls.Domain, "--https-listen", $"127.0.0.1:{port}", "--http-listen", $"127.0.0.1:{FreePort()}",
                "--tls-cert-file", tls.Cert, "--tls-key-file", tls.Key,
            ]
            : ["--insecure-listen", $"127.0.0.1:{port}"];
        var log = useTls ? name + "-tls" : name;
        var p = new ChildProcess("setpriv",
        [
            "--bounding-set=-all", "--inh-caps=-all", "dotnet", dll ?? RelayDll, .. listen,
            "--metrics-listen=", "--max-connections", "100000", "--rate-limit-burst", "1000000", "--max-connections-per-source", "1000000", "--max-pending-connections", "100000", "--max-pending-connections-per-source", "100000", "--phones-per-server", "256",
        ], Path.Combine(outDir, $"{log}.log"), Path.Combine(outDir, $"{log}.err.log"), environment);
        WaitListening(port, p);
        return p;
    }

    /// <summary>Starts the Kestrel echo baseline: plain on <paramref name="port"/>, TLS on <paramref name="tlsPort"/>.</summary>
    public ChildProcess StartEcho(int port, int tlsPort)
    {
        var p = new ChildProcess("dotnet", [EchoDll, $"127.0.0.1:{port}", $"127.0.0.1:{tlsPort}", tls.Cert, tls.Key],
            Path.Combine(outDir, "echo.log"), Path.Combine(outDir, "echo.err.log"));
        WaitListening(port, p);
        WaitListening(tlsPort, p);
        return p;
    }

    /// <summary>
    /// Starts Debian's nginx proxying WebSockets from <paramref name="port"/> to the echo on <paramref name="echoPort"/>,
    /// and <c>wss</c> from <paramref name="tlsPort"/> to the echo's TLS port <paramref name="echoTlsPort"/>.
    /// </summary>
    public ChildProcess StartNginx(int port, int echoPort, int tlsPort, int echoTlsPort)
    {
        var prefix = Path.Combine(outDir, "nginx");
        Directory.CreateDirectory(Path.Combine(prefix, "tmp"));
        var conf = File.ReadAllText(Path.Combine(repoRoot, "bench/nginx/nginx.conf.template"))
            .Replace("{{PREFIX}}", prefix, StringComparison.Ordinal)
            .Replace("{{LISTEN}}", $"127.0.0.1:{port}", StringComparison.Ordinal)
            .Replace("{{UPSTREAM}}", $"127.0.0.1:{echoPort}", StringComparison.Ordinal)
            .Replace("{{TLS_LISTEN}}", $"127.0.0.1:{tlsPort}", StringComparison.Ordinal)
            .Replace("{{TLS_UPSTREAM}}", $"127.0.0.1:{echoTlsPort}", StringComparison.Ordinal)
            .Replace("{{CERT}}", tls.Cert, StringComparison.Ordinal)
            .Replace("{{KEY}}", tls.Key, StringComparison.Ordinal);
        var confPath = Path.Combine(prefix, "nginx.conf");
        File.WriteAllText(confPath, conf);
        var p = new ChildProcess("nginx", ["-p", prefix, "-c", confPath], Path.Combine(outDir, "nginx.log"), Path.Combine(outDir, "nginx.err.log"));
        WaitListening(port, p);
        WaitListening(tlsPort, p);
        return p;
    }

    /// <summary>A free TCP port on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static void WaitListening(int port, ChildProcess p)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            if (p.HasExited)
            {
                throw new InvalidOperationException($"{p.Name}: exited at start (see its log)");
            }

            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        throw new TimeoutException($"{p.Name}: not listening on {port}");
    }
}
