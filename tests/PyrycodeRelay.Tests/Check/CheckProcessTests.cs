using System.Runtime.Versioning;
using System.Text.Json;

namespace PyrycodeRelay.Tests.Check;

/// <summary>
/// <c>pyrycode-relay check URL</c> as an operator runs it (docs/operations.md#check): the built binary probing a real
/// relay process, plain and over TLS, healthy and not.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class CheckProcessTests : IDisposable
{
    private const string Domain = "localhost"; // resolves here, so the URL's host is the SNI name and the Host the relay wants
    private readonly StaticCerts _certs = new(Domain);
    private readonly TempDir _dir = new();

    [Fact]
    public async Task A_healthy_plain_relay_passes_every_check_and_exits_0()
    {
        await using var relay = await LiveRelay.StartAsync(metrics: false);
        var (code, stdout, stderr) = await CheckAsync($"http://127.0.0.1:{relay.Port}", "--frames", "12", "--sizes", "16,1000,100000");

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{string.Join("\n", stderr)}");
        Assert.Empty(stderr);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Matches($"^check http://127\\.0\\.0\\.1:{relay.Port} server-id check-[0-9a-f]{{16}}$", lines[0]);
        Assert.Matches("^ok   healthz: 200 status=ok version=0\\.1\\.0 commit=\\S+ connected_binaries=0 connected_phones=0$", lines[1]);
        Assert.Equal("ok   binary: upgraded on /v1/server", lines[2]);
        Assert.Equal("ok   phone: registered; a warm-up frame came back through the binary", lines[3]);
        Assert.Equal("ok   round trips: 12 frames of 16/1000/100000 bytes came back byte for byte", lines[4]);
        Assert.Equal("ok   unknown server-id: closed 4404 \"no server with that id\"", lines[5]);
        Assert.Matches("^round-trip latency ms \\(12 frames\\): p50=\\d+\\.\\d{3} p90=\\d+\\.\\d{3} p99=\\d+\\.\\d{3} max=\\d+\\.\\d{3}$", lines[6]);
        Assert.Equal("healthy", lines[7]);
        Assert.Equal(8, lines.Length);

        // The relay saw a real binary and phone, and the binary left cleanly (released, not gracing).
        var serverId = lines[0].Split(' ')[^1];
        await relay.WaitForLogAsync("server_released", l => l["server_id"] == serverId);
        await relay.WaitForCountsAsync(0, 0);
        Assert.Equal(0, (await relay.StopAsync()).ExitCode);
    }

    [Fact]
    public async Task Json_output_over_tls_with_a_private_root()
    {
        await using var relay = await StartTlsAsync();
        var ca = _dir.File("root.pem");
        await File.WriteAllTextAsync(ca, _certs.Root.ExportCertificatePem());
        var (code, stdout, stderr) = await CheckAsync($"https://{Domain}:{relay.Port}", "--json", "--ca-file", ca, "--frames", "5");

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{string.Join("\n", stderr)}");
        Assert.EndsWith("\n", stdout, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("healthy").GetBoolean());
        Assert.Equal($"https://{Domain}:{relay.Port}", root.GetProperty("url").GetString());
        Assert.Equal(["healthz", "binary", "phone", "round trips", "unknown server-id"],
            root.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));
        Assert.All(root.GetProperty("checks").EnumerateArray(), c => Assert.True(c.GetProperty("ok").GetBoolean(), c.GetRawText()));
        Assert.Equal(5, root.GetProperty("frames").GetInt32());
        Assert.Equal([64, 1024, 16384], root.GetProperty("sizes").EnumerateArray().Select(s => s.GetInt32()));
        var latency = root.GetProperty("latency_ms");
        double[] p = [.. new[] { "p50", "p90", "p99", "max" }.Select(k => latency.GetProperty(k).GetDouble())];
        Assert.True(p[0] > 0 && p[0] <= p[1] && p[1] <= p[2] && p[2] <= p[3], latency.GetRawText());
        Assert.Equal(0, (await relay.StopAsync()).ExitCode);
    }

    [Fact]
    public async Task Tls_without_trusting_the_root_is_unhealthy_and_exits_1()
    {
        await using var relay = await StartTlsAsync();
        var (code, stdout, _) = await CheckAsync($"https://{Domain}:{relay.Port}");
        Assert.Equal(1, code);
        Assert.StartsWith("FAIL healthz: ", stdout.Split('\n')[1], StringComparison.Ordinal);
        Assert.EndsWith("unhealthy\n", stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await relay.StopAsync()).ExitCode);
    }

    [Fact]
    public async Task Nothing_listening_is_unhealthy_and_exits_1()
    {
        var (code, stdout, _) = await CheckAsync($"http://127.0.0.1:{RelayProcessRunner.FreePort()}", "--timeout", "3s");
        Assert.Equal(1, code);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.StartsWith("FAIL healthz: ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("FAIL binary: ", lines[2], StringComparison.Ordinal);
        Assert.Equal("unhealthy", lines[^1]);
    }

    [Fact]
    public async Task A_usage_error_is_one_line_and_a_hint_with_exit_2()
    {
        var (code, stdout, stderr) = await CheckAsync("--frames", "0", "http://127.0.0.1:1");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal(["invalid value \"0\" for flag -frames: must be 1 to 100000", "Run 'pyrycode-relay check --help' for usage."], stderr);
    }

    public void Dispose()
    {
        _certs.Dispose();
        _dir.Dispose();
    }

    private static async Task<(int Code, string Stdout, IReadOnlyList<string> Stderr)> CheckAsync(params string[] args)
    {
        using var check = RelayProcessRunner.Start(["check", .. args]);
        return await check.WaitForExitAsync();
    }

    private Task<LiveRelay> StartTlsAsync()
    {
        int https = RelayProcessRunner.FreePort(), http = RelayProcessRunner.FreePort();
        string[] args =
        [
            "--domain", Domain, "--tls-cert-file", _certs.CertFile, "--tls-key-file", _certs.KeyFile,
            "--https-listen", $"127.0.0.1:{https}", "--http-listen", $"127.0.0.1:{http}", "--metrics-listen=",
        ];
        return LiveRelay.StartAsync(args, new RelayTarget(https, Domain, _certs.Root), Domain, 0);
    }
}
