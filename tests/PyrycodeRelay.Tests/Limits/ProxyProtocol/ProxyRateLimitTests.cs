using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Limits;
using PyrycodeRelay.Limits.ProxyProtocol;
using PyrycodeRelay.Tests.Configuration;

namespace PyrycodeRelay.Tests.Limits.ProxyProtocol;

/// <summary>PROXY source as the rate-limit key (docs/operations.md#proxy-protocol "Success", scenario 31).</summary>
public class ProxyRateLimitTests
{
    [Fact]
    public async Task Scenario31_rate_limit_key_is_the_PROXY_source()
    {
        using var limiter = new RateLimiter(1, TimeSpan.FromSeconds(6), new FakeTimeProvider());
        var cap = new ConnectionCap(10);
        AdmissionGate? gate = null;
        await using var host = await KestrelTestHost.StartAsync(
            listen =>
            {
                listen.UseProxyProtocol(DefaultOptions.Proxy);
                listen.UseHttps(TestPki.RelayTest);
            },
            async context =>
            {
                var (outcome, _) = await gate!.AdmitAsync(context);
                if (outcome == AdmissionOutcome.Admitted)
                {
                    await LimitResponses.WriteBadRequestAsync(context); // "reaches the endpoint (400, no pyry headers)"
                }
            });
        gate = new AdmissionGate(limiter, cap, trustForwardedFor: false,
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PyrycodeRelay.Limits"));

        async Task<string> AttemptAsync(string source)
        {
            using var socket = await RawHttp.ConnectAsync(host.Port);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await TlsClients.GetAsync(socket, ProxyHeaders.V2Tcp(source, 40000, "192.0.2.2", 443), "/v1/server", TestPki.RelayTest, cts.Token);
        }

        Assert.StartsWith("HTTP/1.1 400 ", await AttemptAsync("203.0.113.1"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 429 ", await AttemptAsync("203.0.113.1"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400 ", await AttemptAsync("198.51.100.7"), StringComparison.Ordinal);
        var warning = Assert.Single(host.RelevantLogs());
        Assert.Equal("rate_limited remote=\"203.0.113.1\"", warning.Message);
    }
}
