using System.Net;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Hosting;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Startup;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// The real relay host in the test process, wired the way <c>RelayProcess</c> wires it: insecure or TLS mode
/// (the certificate source built by <see cref="TlsSetup.Create"/>), push from a service-account key
/// (<see cref="RelayHostSettings.FcmCredentials"/>, so the host builds the real FCM sender), and a metrics
/// listener. Logs are captured twice: structured (<see cref="Logs"/>) and as the relay's text output
/// (<see cref="Text"/>), both from the same logger factory.
/// </summary>
internal sealed class E2eRelay : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;
    private bool _disposed;

    private E2eRelay(RelayHost host, RelayOptions options, RelayTls? tls, CapturingLoggerProvider logs, LogCapture text, ILoggerFactory loggers)
    {
        Host = host;
        Options = options;
        Tls = tls;
        Logs = logs;
        TextLog = text;
        _loggers = loggers;
    }

    public RelayHost Host { get; }

    public RelayOptions Options { get; }

    /// <summary>TLS mode: the certificate source etc.; null in insecure mode.</summary>
    public RelayTls? Tls { get; }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>The relay's text-format log output so far.</summary>
    public string Text => TextLog.Text;

    public LogCapture TextLog { get; }

    public int Port => Host.RelayPort;

    /// <summary>
    /// Starts a relay. <paramref name="options"/> defaults to insecure mode on 127.0.0.1:0. With a non-empty
    /// <see cref="RelayOptions.Domain"/> and no <see cref="RelayOptions.InsecureListen"/> it runs in TLS mode:
    /// the HTTPS listener on 127.0.0.1:0 and the HTTP listener on 127.0.0.1:<paramref name="httpPort"/> (0 = any).
    /// </summary>
    public static async Task<E2eRelay> StartAsync(RelayOptions? options = null, string? fcmCredentials = null,
        bool metrics = true, TlsSettings? tlsSettings = null, int httpPort = 0, bool startTls = true)
    {
        options ??= Insecure();
        var logs = new CapturingLoggerProvider();
        var text = new LogCapture();
        var loggers = LoggerFactory.Create(b =>
        {
            b.AddRelayLogging(RelayLogFormat.Text, text.Output, TimeProvider.System);
            b.AddProvider(logs);
        });
        RelayTls? tls = null;
        if (options.InsecureListen.Length == 0)
        {
            var setup = TlsSetup.Create(options, loggers, TimeProvider.System, tlsSettings);
            Assert.True(setup.Succeeded, setup.Error);
            tls = setup.Tls;
        }

        var host = await RelayHost.StartAsync(new RelayHostSettings
        {
            Options = options,
            Loggers = loggers,
            RelayListener = Loopback(0),
            HttpListener = tls is null ? null : Loopback(httpPort),
            MetricsListener = metrics ? Loopback(0) : null,
            Tls = tls,
            FcmCredentials = fcmCredentials,
            Version = "e2e-version",
        });
        if (startTls)
        {
            tls?.Start();
        }

        return new E2eRelay(host, options, tls, logs, text, loggers);
    }

    /// <summary>Insecure-mode options with the spec's defaults (rate-limit burst 20 included).</summary>
    public static RelayOptions Insecure() => new() { InsecureListen = "127.0.0.1:0", MetricsListen = "127.0.0.1:0" };

    /// <summary>TLS-mode options with static certificate files.</summary>
    public static RelayOptions Static(string domain, string certFile, string keyFile) => new()
    {
        Domain = domain,
        TlsCertFile = certFile,
        TlsKeyFile = keyFile,
        HttpsListen = "127.0.0.1:0",
        HttpListen = "127.0.0.1:0",
        MetricsListen = "127.0.0.1:0",
    };

    public static ListenEndpoint Loopback(int port) => new($"127.0.0.1:{port}", ListenHostKind.IpLiteral, IPAddress.Loopback, port);

    /// <summary>The relay's WebSocket/HTTP target (plain).</summary>
    public RelayTarget Target => new(Port);

    /// <summary>Polls the registry until <paramref name="binaries"/> and <paramref name="phones"/> match; fails after 10 s.</summary>
    public Task WaitForCountsAsync(int binaries, int phones) => Eventually.Async(
        () => (Host.Runtime.Registry.ConnectedBinaries, Host.Runtime.Registry.ConnectedPhones) == (binaries, phones),
        () => $"binaries={binaries} phones={phones}; have {Host.Runtime.Registry.ConnectedBinaries}/{Host.Runtime.Registry.ConnectedPhones}");

    /// <summary>Polls until the connection cap holds exactly <paramref name="slots"/> slots; fails after 10 s.</summary>
    public Task WaitForSlotsAsync(int slots) => Eventually.Async(
        () => Host.Runtime.ConnectionCap.Count == slots,
        () => $"{slots} connection slots held; have {Host.Runtime.ConnectionCap.Count}");

    /// <summary>Connects a binary for <paramref name="serverId"/> and waits until it is the holder.</summary>
    public async Task<WsTestClient> ConnectHolderAsync(string serverId = "s1", RelayTarget? target = null)
    {
        var before = Logs.Named("server_claimed").Count(x => x["server_id"] == serverId);
        var client = await WsTestClient.ConnectBinaryAsync(target ?? Target, serverId);
        await Logs.WaitForAsync("server_claimed", _ => Logs.Named("server_claimed").Count(x => x["server_id"] == serverId) > before);
        return client;
    }

    /// <summary>Connects a phone and waits until it is registered; returns its conn_id.</summary>
    public async Task<(WsTestClient Client, string ConnId)> ConnectPhoneAsync(string serverId = "s1", RelayTarget? target = null)
    {
        var before = Logs.Named("phone_registered").Select(e => e["conn_id"]).ToHashSet();
        var client = await WsTestClient.ConnectPhoneAsync(target ?? Target, serverId);
        var entry = await Logs.WaitForAsync("phone_registered", e => e["server_id"] == serverId && !before.Contains(e["conn_id"]));
        return (client, entry["conn_id"]!);
    }

    /// <summary>Scrapes /metrics (asserting 200, the 0.0.4 content type and the catalogue).</summary>
    public Task<Observability.Metrics.Exposition> ScrapeAsync() => MetricsScrape.ScrapeAsync(Host.MetricsPort);

    /// <summary>Waits until every listed family has exactly the listed non-zero series (see <see cref="MetricsScrape.ExpectAsync"/>).</summary>
    public Task<Observability.Metrics.Exposition> ExpectMetricsAsync(Dictionary<string, Dictionary<string, double>> expected) =>
        MetricsScrape.ExpectAsync(Host.MetricsPort, expected);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await Host.DisposeAsync();
        if (Tls is not null)
        {
            await Tls.DisposeAsync();
        }

        _loggers.Dispose();
        TextLog.Dispose();
    }
}
