using System.Net;
using System.Runtime.Versioning;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// SIGHUP (docs/operations.md#signals-and-drain) on the real process: static certificate files are reloaded at
/// once (even when the files look unchanged) and the reload is logged; the process never exits on SIGHUP.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class SighupProcessTests : IDisposable
{
    private const string Domain = "relay.test";
    private const string ReloadMsg = "sighup received; reloading certificates";
    private readonly StaticCerts _certs = new(Domain);

    [Fact]
    public async Task Sighup_reloads_static_certificates_and_logs_it_and_the_relay_keeps_serving()
    {
        await using var relay = await StartStaticAsync();
        var first = await PresentedAsync(relay.Port);

        // Files untouched: the 10 s poll would never reload them, SIGHUP does.
        relay.Process.Signal("HUP");
        await WaitAfterSighupAsync(relay, 1, "tls_cert_reloaded");
        var hup = Assert.Single(relay.Named(ReloadMsg));
        Assert.Equal(["time", "level", "msg", "mode"], hup.Keys);
        Assert.Equal(("INFO", "static-cert"), (hup["level"], hup["mode"]));
        Assert.Equal(first, await PresentedAsync(relay.Port));

        // New files: served right after the SIGHUP.
        var second = _certs.Issue();
        _certs.Replace(second);
        relay.Process.Signal("HUP");
        await WaitAfterSighupAsync(relay, 2, "tls_cert_reloaded");
        Assert.Equal(second.Thumbprint, await PresentedAsync(relay.Port));

        // Broken files: logged, the previous certificate stays.
        _certs.Garbage();
        relay.Process.Signal("HUP");
        await WaitAfterSighupAsync(relay, 3, "tls_cert_reload_failed");
        Assert.Equal(second.Thumbprint, await PresentedAsync(relay.Port));
        Assert.False(relay.Process.HasExited);

        var stopped = await relay.StopAsync();
        Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
        Assert.Equal(3, stopped.LevelMsgs.Count(m => m == "INFO " + ReloadMsg));
    }

    [Fact]
    public async Task Sighup_in_insecure_mode_is_logged_and_never_kills_the_process()
    {
        await using var relay = await LiveRelay.StartAsync(metrics: false);
        for (var i = 1; i <= 3; i++)
        {
            relay.Process.Signal("HUP");
            await Eventually.Async(() => relay.Named("sighup received; nothing to reload").Count == i, $"SIGHUP {i} logged", TimeSpan.FromSeconds(10));
        }

        Assert.All(relay.Named("sighup received; nothing to reload"), l => Assert.Equal(("INFO", "insecure"), (l["level"], l["mode"])));
        using var ready = await relay.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var stopped = await relay.StopAsync();
        Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
    }

    public void Dispose() => _certs.Dispose();

    /// <summary>Waits for the <paramref name="n"/>th SIGHUP line and a <paramref name="msg"/> line after it.</summary>
    private static Task WaitAfterSighupAsync(LiveRelay relay, int n, string msg) =>
        Eventually.Async(() =>
        {
            var msgs = relay.Lines.Select(l => l["msg"]).ToList();
            var hups = msgs.Select((m, i) => (m, i)).Where(x => x.m == ReloadMsg).Select(x => x.i).ToList();
            return hups.Count == n && msgs.Skip(hups[^1] + 1).Contains(msg);
        }, $"SIGHUP {n} then {msg}", TimeSpan.FromSeconds(10)); // well under the 10 s poll + scheduling: SIGHUP acts at once

    private async Task<string> PresentedAsync(int port)
    {
        string? seen = null;
        await using (await TlsClients.HandshakeAsync(port, Domain, _certs.Root, seen: c => seen = c.Thumbprint))
        {
        }

        return seen!;
    }

    private Task<LiveRelay> StartStaticAsync()
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
