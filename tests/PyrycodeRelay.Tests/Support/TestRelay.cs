using System.Net;
using System.Net.Http;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Hosting;
using PyrycodeRelay.Push;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Support;

/// <summary>A real relay (Kestrel on 127.0.0.1:0) in the test process, with captured logs.</summary>
public sealed class TestRelay : IAsyncDisposable
{
    private TestRelay(RelayHost host, CapturingLoggerProvider logs, RelayOptions options)
    {
        Host = host;
        Logs = logs;
        Options = options;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.RelayPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The running host.</summary>
    public RelayHost Host { get; }

    /// <summary>Captured log events.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>The options it runs with.</summary>
    public RelayOptions Options { get; }

    /// <summary>HTTP client for the relay listener.</summary>
    public HttpClient Http { get; }

    /// <summary>How clients reach the relay listener.</summary>
    public RelayTarget Target => new(Host.RelayPort);

    /// <summary>127.0.0.1 with an ephemeral port.</summary>
    public static ListenEndpoint Loopback0 => new("127.0.0.1:0", ListenHostKind.IpLiteral, IPAddress.Loopback, 0);

    /// <summary>Starts a relay with <paramref name="configure"/> applied to test-friendly defaults.</summary>
    public static async Task<TestRelay> StartAsync(Func<RelayOptions, RelayOptions>? configure = null, IPushWakeHandler? push = null, bool metrics = false)
    {
        var options = new RelayOptions { InsecureListen = "127.0.0.1:0", MetricsListen = metrics ? "127.0.0.1:0" : "", RateLimitBurst = 1_000_000 };
        options = configure?.Invoke(options) ?? options;
        var logs = new CapturingLoggerProvider(Microsoft.Extensions.Logging.LogLevel.Information);
        var host = await RelayHost.StartAsync(new RelayHostSettings
        {
            Options = options,
            Loggers = logs,
            RelayListener = Loopback0,
            MetricsListener = metrics ? Loopback0 : null,
            Push = push ?? new PushOff(),
            Version = "test-version",
        });
        return new TestRelay(host, logs, options);
    }

    /// <summary>Polls /healthz until <paramref name="binaries"/> and <paramref name="phones"/> match; fails after 10 s.</summary>
    public async Task WaitForCountsAsync(int binaries, int phones)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var last = (-1, -1);
        while (DateTime.UtcNow < deadline)
        {
            last = (Host.Runtime.Registry.ConnectedBinaries, Host.Runtime.Registry.ConnectedPhones);
            if (last == (binaries, phones))
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"expected binaries={binaries} phones={phones}, have {last}");
    }

    /// <summary>Connects a binary for <paramref name="serverId"/> and waits (log <c>server_claimed</c>) until it holds it.</summary>
    public async Task<WsTestClient> ConnectHolderAsync(string serverId = "s1", RelayTarget? target = null, string path = "/v1/server", bool read = false)
    {
        var before = Logs.Named("server_claimed").Count(x => x["server_id"] == serverId);
        var client = await WsTestClient.ConnectBinaryAsync(target ?? Target, serverId, path, read);
        await Logs.WaitForAsync("server_claimed", _ => Logs.Named("server_claimed").Count(x => x["server_id"] == serverId) > before);
        return client;
    }

    /// <summary>Connects a phone and waits until it is registered; returns it with its conn_id (from <c>phone_registered</c>).</summary>
    public async Task<(WsTestClient Client, string ConnId)> ConnectRegisteredPhoneAsync(string serverId = "s1", RelayTarget? target = null,
        string path = "/v1/client", string? deviceName = null, bool read = false, int? receiveBuffer = null)
    {
        var before = Logs.Named("phone_registered").Select(e => e["conn_id"]).ToHashSet();
        var client = await WsTestClient.ConnectPhoneAsync(target ?? Target, serverId, path, deviceName, read, receiveBuffer);
        var entry = await Logs.WaitForAsync("phone_registered", e => e["server_id"] == serverId && !before.Contains(e["conn_id"]));
        return (client, entry["conn_id"]!);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        Logs.Dispose();
    }
}
