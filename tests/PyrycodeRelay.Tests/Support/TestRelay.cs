using System.Net;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Hosting;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Push;
using PyrycodeRelay.Startup;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// The real relay host in the test process: real Kestrel on 127.0.0.1:0, wired as the relay process wires it.
/// Insecure or TLS mode (with a non-empty <see cref="RelayOptions.Domain"/> and no
/// <see cref="RelayOptions.InsecureListen"/>, the certificate source built by <see cref="TlsSetup.Create"/>); push
/// off, a handler of the test's, or the real FCM sender built from a service-account key; a metrics listener; logs
/// captured twice from one logger factory: structured (<see cref="Logs"/>) and as the relay's text output
/// (<see cref="TextLog"/>).
/// </summary>
internal sealed partial class TestRelay : IAsyncDisposable
{
    /// <summary>The version the in-process relay reports.</summary>
    public const string Version = "test-version";

    private readonly ILoggerFactory _loggers;
    private bool _disposed;

    private TestRelay(RelayHost host, RelayOptions options, RelayTls? tls, CapturingLoggerProvider logs, LogCapture text, ILoggerFactory loggers, int? port = null)
    {
        Port = port ?? host.RelayPort;
        Host = host;
        Options = options;
        Tls = tls;
        Logs = logs;
        TextLog = text;
        _loggers = loggers;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(10) };
        NodeHttp = [Http];
    }

    /// <summary>The running host.</summary>
    public RelayHost Host { get; }

    /// <summary>The options it runs with.</summary>
    public RelayOptions Options { get; }

    /// <summary>TLS mode: the certificate source etc.; null in insecure mode.</summary>
    public RelayTls? Tls { get; }

    /// <summary>Captured log events (INFO and up, as the relay prints them).</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>The relay's text-format log output.</summary>
    public LogCapture TextLog { get; }

    /// <summary>The relay's text-format log output so far.</summary>
    public string Text => TextLog.Text;

    /// <summary>The relay listener's port.</summary>
    public int Port { get; }

    /// <summary>Plain HTTP client for the relay listener (insecure mode).</summary>
    public HttpClient Http { get; }

    /// <summary>How clients reach the relay listener (plain; in TLS mode build a target with the root).</summary>
    public RelayTarget Target => new(Port);

    /// <summary>
    /// Starts an insecure relay with <paramref name="configure"/> applied to test-friendly defaults (the rate
    /// limit and the per-source caps are out of the way: 1,000,000 each; the per-connection log repeat limit too), push off
    /// unless <paramref name="push"/>, metrics only when asked.
    /// </summary>
    public static Task<TestRelay> StartAsync(Func<RelayOptions, RelayOptions>? configure = null, IPushWakeHandler? push = null, bool metrics = false)
    {
        var options = new RelayOptions
        {
            InsecureListen = "127.0.0.1:0", MetricsListen = metrics ? "127.0.0.1:0" : "", RateLimitBurst = 1_000_000,
            MaxConnectionsPerSource = 1_000_000, MaxPendingConnectionsPerSource = 1_000_000,
            LogRepeatsPerConnection = int.MaxValue, // scenario tests sync on unknown_conn_id lines (Scenarios/Support/Marker)
        };
        return StartAsync(configure?.Invoke(options) ?? options, push: push, metrics: metrics);
    }

    /// <summary>
    /// Starts a relay with exactly <paramref name="options"/> (see <see cref="Insecure"/> and <see cref="Static"/>). In
    /// TLS mode the HTTPS listener is on 127.0.0.1:0 and the HTTP listener on 127.0.0.1:<paramref name="httpPort"/>
    /// (0 = any); <paramref name="startTls"/> false leaves the certificate source unstarted. Push: the real sender from
    /// <paramref name="fcmCredentials"/>, else <paramref name="push"/>, else off. <paramref name="time"/> is the relay's
    /// clock (a FakeTimeProvider makes rate-limit refills exact; Kestrel's own timeouts keep real time).
    /// </summary>
    public static async Task<TestRelay> StartAsync(RelayOptions options, string? fcmCredentials = null, IPushWakeHandler? push = null,
        bool metrics = true, TlsSettings? tlsSettings = null, int httpPort = 0, bool startTls = true, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var logs = new CapturingLoggerProvider(LogLevel.Information);
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
            FcmKey = fcmCredentials is null ? null : ServiceAccountKey.TryParse(fcmCredentials, out var key) ? key : throw new FormatException(ServiceAccountKey.Error),
            Push = fcmCredentials is null ? push ?? new PushOff() : null,
            Time = time ?? TimeProvider.System,
            Version = Version,
        });
        if (startTls)
        {
            tls?.Start();
        }

        return new TestRelay(host, options, tls, logs, text, loggers);
    }

    /// <summary>Insecure-mode options with the spec's defaults (rate-limit burst 20 included) and metrics.</summary>
    public static RelayOptions Insecure() => new() { InsecureListen = "127.0.0.1:0", MetricsListen = "127.0.0.1:0" };

    /// <summary>TLS-mode options with static certificate files, and metrics.</summary>
    public static RelayOptions Static(string domain, string certFile, string keyFile) => new()
    {
        Domain = domain,
        TlsCertFile = certFile,
        TlsKeyFile = keyFile,
        HttpsListen = "127.0.0.1:0",
        HttpListen = "127.0.0.1:0",
        MetricsListen = "127.0.0.1:0",
    };

    /// <summary>127.0.0.1:<paramref name="port"/> as a listener.</summary>
    public static ListenEndpoint Loopback(int port) => new($"127.0.0.1:{port}", ListenHostKind.IpLiteral, IPAddress.Loopback, port);

    /// <summary>Polls the registry until <paramref name="binaries"/> and <paramref name="phones"/> match; fails after 10 s.</summary>
    public Task WaitForCountsAsync(int binaries, int phones) => Eventually.Async(
        () => Counts == (binaries, phones),
        () => $"binaries={binaries} phones={phones}; have {Counts.Binaries}/{Counts.Phones}");

    /// <summary>Polls until the connection cap holds exactly <paramref name="slots"/> slots; fails after 10 s.</summary>
    public Task WaitForSlotsAsync(int slots) => Eventually.Async(
        () => Host.Admission.ConnectionCap.Count == slots,
        () => $"{slots} connection slots held; have {Host.Admission.ConnectionCap.Count}");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await DisposeCrossNodeAsync();
        Http.Dispose();
        await Host.DisposeAsync();
        if (Tls is not null)
        {
            await Tls.DisposeAsync();
        }

        _loggers.Dispose();
        TextLog.Dispose();
        Logs.Dispose();
        await DisposeRedisAsync();
    }
}
