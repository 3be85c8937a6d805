using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// A real ACME server for the tests: Debian's <c>pebble</c> and <c>pebble-challtestsrv</c> on free loopback
/// ports. challtestsrv is Pebble's DNS server and resolves <c>relay.test</c> to 127.0.0.1 (set through its
/// management API <c>add-a</c>); Pebble's VA fetches http-01 responses from <see cref="HttpPort"/>, where the
/// tests bind the relay's HTTP listener. Pebble's own HTTPS certificate comes from a throw-away CA whose root
/// is <see cref="ServerCaFile"/> (the <c>--acme-ca-file</c>). Nonce rejection is raised so that the badNonce
/// retry path is exercised on every run. Missing binaries fail the tests with the install command.
/// </summary>
public sealed class PebbleFixture : IAsyncLifetime, IDisposable
{
    public const string Domain = "relay.test";
    private const string PebbleBin = "/usr/bin/pebble";
    private const string ChallBin = "/usr/bin/pebble-challtestsrv";
    private readonly TempDir _dir = new();
    private readonly TestPki _pki = new("Pebble Server Test CA");
    private Process? _pebble;
    private Process? _chall;
    private readonly StringBuilder _output = new();

    public int HttpPort { get; private set; }

    public Uri DirectoryUrl { get; private set; } = null!;

    public string ServerCaFile => _dir.File("pebble-server-ca.pem");

    /// <summary>The root that signs issued chains (fetched from Pebble's management API /roots/0).</summary>
    public X509Certificate2 IssuingRoot { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(PebbleBin) || !File.Exists(ChallBin))
        {
            throw new InvalidOperationException(
                "Pebble is not installed: run `apt-get update && apt-get install -y pebble` (Debian package " +
                "'pebble' provides /usr/bin/pebble and /usr/bin/pebble-challtestsrv); the ACME tests need it.");
        }

        int acmePort = FreePort(), mgmtPort = FreePort(), dnsPort = FreePort(), challMgmtPort = FreePort();
        HttpPort = FreePort();
        File.WriteAllText(ServerCaFile, _pki.RootPem);
        var (cert, key) = _pki.Issue(["localhost"], ["127.0.0.1"]);
        File.WriteAllText(_dir.File("cert.pem"), cert.ExportCertificatePem() + "\n");
        File.WriteAllText(_dir.File("key.pem"), TestPki.KeyPem(key, "pkcs8"));
        File.WriteAllText(_dir.File("pebble.json"), $$"""
            {"pebble": {"listenAddress": "127.0.0.1:{{acmePort}}", "managementListenAddress": "127.0.0.1:{{mgmtPort}}",
             "certificate": "{{_dir.File("cert.pem")}}", "privateKey": "{{_dir.File("key.pem")}}",
             "httpPort": {{HttpPort}}, "tlsPort": {{FreePort()}}, "ocspResponderURL": "", "externalAccountBindingRequired": false } }
            """);

        _chall = Start(ChallBin, $"-dns01 127.0.0.1:{dnsPort} -management 127.0.0.1:{challMgmtPort} -http01 \"\" " +
            "-https01 \"\" -tlsalpn01 \"\" -defaultIPv6 \"\" -defaultIPv4 127.0.0.1", []);
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await RetryAsync(async () =>
        {
            using var r = await plain.PostAsync($"http://127.0.0.1:{challMgmtPort}/add-a",
                new StringContent($$"""{"host":"{{Domain}}","addresses":["127.0.0.1"]}"""));
            r.EnsureSuccessStatusCode();
        }, "pebble-challtestsrv management API");

        _pebble = Start(PebbleBin, $"-config {_dir.File("pebble.json")} -dnsserver 127.0.0.1:{dnsPort}",
            new() { ["PEBBLE_VA_NOSLEEP"] = "1", ["PEBBLE_WFE_NONCEREJECT"] = "30" });
        DirectoryUrl = new Uri($"https://127.0.0.1:{acmePort}/dir");
        using var tls = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, c, _, _) => c is not null && c.Issuer == _pki.Root.Subject,
        }) { Timeout = TimeSpan.FromSeconds(5) };
        await RetryAsync(async () => (await tls.GetAsync(DirectoryUrl)).EnsureSuccessStatusCode(), "pebble directory");
        var rootPem = await tls.GetStringAsync($"https://127.0.0.1:{mgmtPort}/roots/0");
        IssuingRoot = X509Certificate2.CreateFromPem(rootPem);
    }

    public async Task DisposeAsync()
    {
        foreach (var p in new[] { _pebble, _chall })
        {
            if (p is { HasExited: false })
            {
                p.Kill();
                await p.WaitForExitAsync();
            }

            p?.Dispose();
        }

        Dispose();
    }

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Dispose();
    }

    private Process Start(string file, string args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file);
        p.OutputDataReceived += (_, e) => Append(e.Data);
        p.ErrorDataReceived += (_, e) => Append(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task RetryAsync(Func<Task> action, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await action();
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"{what} did not come up within 20 s: {e.Message}\n{Output}", e);
                }

                await Task.Delay(100);
            }
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PebbleCollection : ICollectionFixture<PebbleFixture>
{
    public const string Name = "pebble";
}
