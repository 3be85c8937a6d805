using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>One HTTP/1.1 request over TLS (with SNI) to a relay on 127.0.0.1, trusting a certificate by subject.</summary>
internal static class TlsProbe
{
    /// <summary>Sends <c>GET path</c> with <c>Host: host</c> and <c>Connection: close</c>; returns the whole response text.</summary>
    public static async Task<string> GetAsync(int port, string sni, string path, string expectedSubject)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = sni,
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.Subject == expectedSubject,
        }, cts.Token);
        await ssl.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {sni}\r\nConnection: close\r\n\r\n"), cts.Token);
        using var ms = new MemoryStream();
        await ssl.CopyToAsync(ms, cts.Token);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Retries <see cref="GetAsync"/> until the listener accepts (boot still running); fails after 30 s.</summary>
    public static async Task<string> GetWhenListeningAsync(RelayProcessRunner relay, int port, string sni, string path, string expectedSubject)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(relay.HasExited, "relay exited; stderr:\n" + string.Join("\n", relay.StderrLines));
            try
            {
                return await GetAsync(port, sni, path, expectedSubject);
            }
            catch (SocketException) when (watch.Elapsed < RelayProcessRunner.Timeout)
            {
                await Task.Delay(50);
            }
        }
    }
}
