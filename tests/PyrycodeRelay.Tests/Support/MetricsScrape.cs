using System.Net;
using PyrycodeRelay.Tests.Observability.Metrics;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// Scrapes a relay's metrics listener (in-process or a process) over real HTTP and parses it with the strict
/// exposition parser, checking it against the spec catalogue and for leaked secrets on every scrape.
/// </summary>
internal static class MetricsScrape
{
    /// <summary>Text that must never appear in a scrape: the server-ids, tokens, markers and label names these tests use.</summary>
    public static readonly string[] Secrets =
        ["srv-m", "e2e-s", "phone-token-opaque", "device-token-secret", "DEVTOKEN", "ya29.", "client-", "conn_id=", "server_id", "token=", "pyry-"];

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Sends <paramref name="method"/> <paramref name="path"/> to the metrics port; returns the response and its body.</summary>
    public static async Task<(HttpResponseMessage Response, string Body)> SendAsync(int port, string path = "/metrics", HttpMethod? method = null)
    {
        Assert.NotEqual(0, port);
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        var response = await Http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GET /metrics: asserts 200, the 0.0.4 content type and no secret; returns the body.</summary>
    public static async Task<string> RawAsync(int port)
    {
        var (response, body) = await SendAsync(port);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        }

        foreach (var secret in Secrets)
        {
            Assert.False(body.Contains(secret, StringComparison.Ordinal), $"the scrape contains '{secret}':\n{body}");
        }

        return body;
    }

    /// <summary>As <see cref="RawAsync"/>, parsed and checked against the spec catalogue.</summary>
    public static async Task<Exposition> ScrapeAsync(int port)
    {
        var scrape = Exposition.Parse(await RawAsync(port));
        SpecCatalogue.AssertConforms(scrape);
        return scrape;
    }

    /// <summary>Scrapes until <paramref name="condition"/> holds; fails after 10 s with the last scrape.</summary>
    public static async Task<Exposition> WaitForAsync(int port, Func<Exposition, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (true)
        {
            var scrape = await ScrapeAsync(port);
            if (condition(scrape))
            {
                return scrape;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for: {what}\n{scrape.Text}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Scrapes until, for every family in <paramref name="expected"/>, the non-zero series are exactly the given
    /// ones (label text such as <c>endpoint=server,outcome=accept</c> → value; histograms by their <c>_count</c>).
    /// Fails after 10 s with the difference.
    /// </summary>
    public static Task<Exposition> ExpectAsync(int port, Dictionary<string, Dictionary<string, double>> expected) => ExpectAsync([port], expected);

    /// <summary>
    /// As <see cref="ExpectAsync(int, Dictionary{string, Dictionary{string, double}})"/> with each series summed over the
    /// scrapes of <paramref name="ports"/> (the nodes of a cluster); returns the first port's scrape.
    /// </summary>
    public static async Task<Exposition> ExpectAsync(IReadOnlyList<int> ports, Dictionary<string, Dictionary<string, double>> expected)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(expected);
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (true)
        {
            var scrapes = new List<Exposition>();
            foreach (var port in ports)
            {
                scrapes.Add(await ScrapeAsync(port));
            }

            var scrape = scrapes[0];
            var diff = Diff(scrapes, expected);
            if (diff.Length == 0)
            {
                return scrape;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("metrics did not reach the expected state:\n" + diff);
            }

            await Task.Delay(20);
        }
    }

    private static string Diff(List<Exposition> scrapes, Dictionary<string, Dictionary<string, double>> expected) =>
        string.Join("\n", expected.Select(e =>
        {
            var actual = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (series, value) in scrapes.SelectMany(s => s.NonZero(e.Key)))
            {
                actual[series] = actual.GetValueOrDefault(series) + value;
            }

            var same = actual.Count == e.Value.Count && actual.All(kv => e.Value.TryGetValue(kv.Key, out var v) && v == kv.Value);
            return same ? "" : $"{e.Key}: expected {Show(e.Value)} actual {Show(actual)}";
        }).Where(d => d.Length > 0));

    private static string Show(IReadOnlyDictionary<string, double> map) =>
        "{" + string.Join(", ", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {kv.Value}")) + "}";
}
