using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Limits;

namespace PyrycodeRelay.Tests.Limits;

/// <summary>
/// Steps 1–2 of docs/protocol.md#before-the-upgrade on a real Kestrel server (scenarios 43, 45, 46, 47): exact 429/503
/// responses, exactly one WARN per rejection with the documented fields, slot release at request end.
/// </summary>
public sealed class AdmissionGateTests : IAsyncLifetime, IDisposable
{
    private const string PyryHeaders = "X-Pyrycode-Server: s1-secret-id";
    private readonly FakeTimeProvider _time = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private KestrelTestHost? _host;
    private AdmissionGate? _gate;
    private RateLimiter? _limiter;
    private ConnectionCap? _cap;
    private int _passed;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    public void Dispose() => _limiter?.Dispose();

    [Fact]
    public async Task Rate_limited_request_gets_429_one_LF_and_one_WARN_with_the_quoted_key()
    {
        var host = await StartAsync(burst: 1, maxConnections: 10, trustForwardedFor: false);

        var first = await RawHttp.GetAsync(host.Port, "/v1/client");
        var second = await RawHttp.GetAsync(host.Port, "/v1/client");

        Assert.Equal(200, first.Status);
        AssertLimitShape(second, "HTTP/1.1 429 Too Many Requests");
        Assert.Equal(1, _passed);
        var entry = Assert.Single(Warnings());
        Assert.Equal("rate_limited", entry.EventName);
        Assert.Equal("rate_limited remote=\"127.0.0.1\"", entry.Message);
        Assert.Equal("\"127.0.0.1\"", Value(entry, "remote"));
    }

    [Fact]
    public async Task Scenario45_forwarded_for_ignored_without_trust()
    {
        var host = await StartAsync(burst: 1, maxConnections: 10, trustForwardedFor: false);

        Assert.Equal(200, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 9.9.9.9")).Status);
        Assert.Equal(429, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 8.8.8.8")).Status);
    }

    [Fact]
    public async Task Scenario45_forwarded_for_keys_with_trust()
    {
        var host = await StartAsync(burst: 1, maxConnections: 10, trustForwardedFor: true);

        Assert.Equal(200, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 9.9.9.9")).Status);
        Assert.Equal(429, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 9.9.9.9")).Status);
        Assert.Equal(200, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 8.8.8.8")).Status);
        // The right-most entry is the one the trusted proxy appended (issue 13 finding 2): a forged left part is ignored.
        Assert.Equal(200, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For:    203.0.113.7   , 192.0.2.10")).Status);
        Assert.Equal(429, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 192.0.2.10")).Status);
        Assert.Equal(200, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 203.0.113.7")).Status);
        Assert.Equal(200, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 198.51.100.4, not-an-ip")).Status); // peer's bucket
        Assert.Equal(429, (await RawHttp.GetAsync(host.Port, "/v1/server")).Status); // shares the peer's bucket
        Assert.Equal(5, _limiter!.BucketCount);
    }

    [Fact]
    public async Task Scenario46_trusted_forwarded_key_is_logged_quoted_and_nothing_else()
    {
        var host = await StartAsync(burst: 1, maxConnections: 10, trustForwardedFor: true);
        string[] headers = ["X-Forwarded-For: 1.2.3.4", PyryHeaders, "X-Pyrycode-Token: phone-token-opaque", "User-Agent: pyry-phone-test/0.1.0"];

        Assert.Equal(200, (await RawHttp.GetAsync(host.Port, "/v1/client", headers)).Status);
        Assert.Empty(Warnings());
        Assert.Equal(429, (await RawHttp.GetAsync(host.Port, "/v1/client", headers)).Status);

        var entry = Assert.Single(Warnings());
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal("rate_limited", entry.EventName);
        Assert.Equal("rate_limited remote=\"1.2.3.4\"", entry.Message);
        Assert.Equal(["remote", "{OriginalFormat}"], entry.State.Select(kv => kv.Key));
        Assert.Equal("\"1.2.3.4\"", Value(entry, "remote"));
        Assert.DoesNotContain("s1-secret-id", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("phone-token", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pyry-phone-test", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refill_on_the_server_clock_scenario43()
    {
        var host = await StartAsync(burst: 20, maxConnections: 100, trustForwardedFor: true);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 192.0.2.1")).Status);
        }

        Assert.Equal(429, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 192.0.2.1")).Status);
        Assert.Equal(200, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 192.0.2.2")).Status);
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(200, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 192.0.2.1")).Status);
        Assert.Equal(429, (await RawHttp.GetAsync(host.Port, "/v1/server", "X-Forwarded-For: 192.0.2.1")).Status);
    }

    [Fact]
    public async Task At_capacity_request_gets_503_and_one_WARN_and_the_slot_frees_when_the_request_ends()
    {
        var host = await StartAsync(burst: 100, maxConnections: 1, trustForwardedFor: false);
        using var holder = await RawHttp.ConnectAsync(host.Port);
        var held = RawHttp.GetAsync(holder, "/hold");
        await Eventually.Async(() => _cap!.Count == 1, "1 connection slot(s) held");

        var rejected = await RawHttp.GetAsync(host.Port, "/v2/client", PyryHeaders, "X-Forwarded-For: 9.9.9.9");

        AssertLimitShape(rejected, "HTTP/1.1 503 Service Unavailable");
        var entry = Assert.Single(Warnings());
        Assert.Equal("conn_cap_reached", entry.EventName);
        Assert.Equal("conn_cap_reached path=/v2/client remote=127.0.0.1", entry.Message);
        Assert.Equal(["path", "remote", "{OriginalFormat}"], entry.State.Select(kv => kv.Key));

        _release.SetResult();
        Assert.Equal(200, (await held).Status);
        await Eventually.Async(() => _cap!.Count == 0, "0 connection slot(s) held");
        Assert.Equal(200, (await RawHttp.GetAsync(host.Port, "/v1/client")).Status);
        await Eventually.Async(() => _cap!.Count == 0, "0 connection slot(s) held");
    }

    [Fact]
    public async Task Unknown_peer_address_gets_429_without_consulting_the_limiter()
    {
        var path = Path.Combine(Path.GetTempPath(), $"limits-{Guid.NewGuid():N}.sock");
        try
        {
            await StartAsync(burst: 100, maxConnections: 10, trustForwardedFor: true, unixSocketPath: path);
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));

            var response = await RawHttp.GetAsync(socket, "/v1/server", "X-Forwarded-For: 1.2.3.4, not-an-ip");

            AssertLimitShape(response, "HTTP/1.1 429 Too Many Requests");
            Assert.Equal(0, _limiter!.BucketCount);
            var entry = Assert.Single(Warnings());
            Assert.Equal("rate_limited remote=\"\"", entry.Message);
            Assert.Equal("\"\"", Value(entry, "remote"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Bad_request_helper_writes_the_same_shape()
    {
        var host = await StartAsync(burst: 100, maxConnections: 10, trustForwardedFor: false);
        AssertLimitShape(await RawHttp.GetAsync(host.Port, "/bad"), "HTTP/1.1 400 Bad Request");
        await Eventually.Async(() => _cap!.Count == 0, "0 connection slot(s) held");
    }

    private static void AssertLimitShape(RawResponse response, string statusLine)
    {
        Assert.Equal(statusLine, response.StatusLine);
        Assert.Equal("text/plain; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Equal("1", response.Header("Content-Length"));
        Assert.Equal("\n"u8.ToArray(), response.Body);
    }

    private static object? Value(LogEntry entry, string key) =>
        Assert.Single(entry.State, kv => kv.Key == key).Value;

    private List<LogEntry> Warnings() =>
        [.. _host!.Logs.Entries.Where(e => e.Level >= LogLevel.Warning)];

    private async Task<KestrelTestHost> StartAsync(int burst, int maxConnections, bool trustForwardedFor, string? unixSocketPath = null)
    {
        _limiter = new RateLimiter(burst, TimeSpan.FromSeconds(6), _time);
        _cap = new ConnectionCap(maxConnections);
        _host = await KestrelTestHost.StartAsync(_ => { }, HandleAsync, unixSocketPath: unixSocketPath);
        var logger = _host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PyrycodeRelay.Limits");
        _gate = new AdmissionGate(_limiter, _cap, trustForwardedFor ? ForwardedFor.RightMost : null, logger);
        return _host;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path == "/bad")
        {
            await LimitResponses.WriteBadRequestAsync(context);
            return;
        }

        var (outcome, slot) = await _gate!.AdmitAsync(context);
        if (outcome != AdmissionOutcome.Admitted)
        {
            Assert.Null(slot);
            return;
        }

        Assert.True(slot!.IsHeld);
        Interlocked.Increment(ref _passed);
        if (context.Request.Path == "/hold")
        {
            await _release.Task;
        }

        context.Response.ContentLength = 2;
        await context.Response.WriteAsync("ok");
    }
}
