using System.Net;
using System.Net.Sockets;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>The three systems under test, started as processes.</summary>
internal sealed class Targets(string repoRoot, string outDir)
{
    public string RelayDll => Path.Combine(repoRoot, "src/PyrycodeRelay/bin/Release/net10.0/pyrycode-relay.dll");

    public string EchoDll => Path.Combine(repoRoot, "bench/PyrycodeRelay.EchoServer/bin/Release/net10.0/PyrycodeRelay.EchoServer.dll");

    /// <summary>Starts the relay with the benchmark flags (capabilities dropped: it refuses to run with any).</summary>
    public ChildProcess StartRelay(int port, string name = "relay", string? dll = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var p = new ChildProcess("setpriv",
        [
            "--bounding-set=-all", "--inh-caps=-all", "dotnet", dll ?? RelayDll,
            "--insecure-listen", $"127.0.0.1:{port}", "--metrics-listen=", "--max-connections", "100000",
            "--rate-limit-burst", "1000000", "--phones-per-server", "256",
        ], Path.Combine(outDir, $"{name}.log"), Path.Combine(outDir, $"{name}.err.log"), environment);
        WaitListening(port, p);
        return p;
    }

    /// <summary>Starts the Kestrel echo baseline.</summary>
    public ChildProcess StartEcho(int port)
    {
        var p = new ChildProcess("dotnet", [EchoDll, $"127.0.0.1:{port}"], Path.Combine(outDir, "echo.log"), Path.Combine(outDir, "echo.err.log"));
        WaitListening(port, p);
        return p;
    }

    /// <summary>Starts Debian's nginx proxying WebSockets from <paramref name="port"/> to the echo on <paramref name="echoPort"/>.</summary>
    public ChildProcess StartNginx(int port, int echoPort)
    {
        var prefix = Path.Combine(outDir, "nginx");
        Directory.CreateDirectory(Path.Combine(prefix, "tmp"));
        var conf = File.ReadAllText(Path.Combine(repoRoot, "bench/nginx/nginx.conf.template"))
            .Replace("{{PREFIX}}", prefix, StringComparison.Ordinal)
            .Replace("{{LISTEN}}", $"127.0.0.1:{port}", StringComparison.Ordinal)
            .Replace("{{UPSTREAM}}", $"127.0.0.1:{echoPort}", StringComparison.Ordinal);
        var confPath = Path.Combine(prefix, "nginx.conf");
        File.WriteAllText(confPath, conf);
        var p = new ChildProcess("nginx", ["-p", prefix, "-c", confPath], Path.Combine(outDir, "nginx.log"), Path.Combine(outDir, "nginx.err.log"));
        WaitListening(port, p);
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
