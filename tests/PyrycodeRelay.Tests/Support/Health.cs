using System.Net;
using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.Support;

/// <summary>Reads <c>/healthz</c> over HTTP, as an operator's probe does (docs/protocol.md#health-and-readiness).</summary>
internal static class Health
{
    /// <summary>
    /// GET <c>/healthz</c>: asserts 200, the headers and the exact document shape with <paramref name="version"/>;
    /// returns (connected_binaries, connected_phones).
    /// </summary>
    public static async Task<(int Binaries, int Phones)> CountsAsync(HttpClient http, string version)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var m = Regex.Match(body, $$"""^\{"status":"ok","version":"{{Regex.Escape(version)}}","commit":"(?:[0-9a-f]{40}|unknown)","connected_binaries":(\d+),"connected_phones":(\d+),"uptime_seconds":\d+(,"node_id":"[A-Za-z0-9._-]{1,64}","cluster":\{"redis":"up"\})?\}$""");
        Assert.True(m.Success, "unexpected /healthz body: " + body);
        return (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Current counts of an in-process relay.</summary>
    public static async Task<(int Binaries, int Phones)> CountsAsync(TestRelay relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var (binaries, phones) = (0, 0);
        foreach (var http in relay.NodeHttp) // cross-node: each node counts its own connections
        {
            var (b, p) = await CountsAsync(http, TestRelay.Version);
            (binaries, phones) = (binaries + b, phones + p);
        }

        return (binaries, phones);
    }

    /// <summary>Polls <c>/healthz</c> until the counts match; fails after <paramref name="timeout"/> (10 s).</summary>
    public static async Task WaitForAsync(HttpClient http, string version, int binaries, int phones, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Eventually.DefaultTimeout);
        var last = (-1, -1);
        while (DateTime.UtcNow < deadline)
        {
            last = await CountsAsync(http, version);
            if (last == (binaries, phones))
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"/healthz: expected binaries={binaries} phones={phones}, have {last}");
    }

    /// <summary>Polls an in-process relay's <c>/healthz</c> until the counts match.</summary>
    public static async Task WaitForAsync(TestRelay relay, int binaries, int phones, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(relay);
        if (!relay.IsCrossNode)
        {
            await WaitForAsync(relay.Http, TestRelay.Version, binaries, phones, timeout);
            return;
        }

        var deadline = DateTime.UtcNow + (timeout ?? Eventually.DefaultTimeout);
        var last = (-1, -1);
        while (DateTime.UtcNow < deadline)
        {
            last = await CountsAsync(relay);
            if (last == (binaries, phones))
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"/healthz over both nodes: expected binaries={binaries} phones={phones}, have {last}");
    }
}
