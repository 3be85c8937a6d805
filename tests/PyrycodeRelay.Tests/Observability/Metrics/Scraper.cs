using System.Net;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>Scrapes a <see cref="TestRelay"/>'s metrics listener over real HTTP.</summary>
internal static class Scraper
{
    /// <summary>Strings that must never appear in any scrape (server-ids and tokens the tests use, conn_id shapes).</summary>
    public static readonly string[] Secrets = ["srv-m", "phone-token-opaque", "device-token-secret", "ya29.", "client-", "conn_id=", "server_id=", "token=", "pyry-"];

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Sends <paramref name="method"/> <paramref name="path"/> to the metrics port.</summary>
    public static async Task<(HttpResponseMessage Response, string Body)> SendAsync(TestRelay relay, string path = "/metrics", HttpMethod? method = null)
    {
        Assert.NotEqual(0, relay.Host.MetricsPort);
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, $"http://127.0.0.1:{relay.Host.MetricsPort}{path}");
        var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response, body);
    }

    /// <summary>GET /metrics: asserts 200, the 0.0.4 content type and no secrets; returns the parsed exposition.</summary>
    public static async Task<Exposition> ScrapeAsync(TestRelay relay)
    {
        var (response, body) = await SendAsync(relay);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        }

        foreach (var secret in Secrets)
        {
            Assert.False(body.Contains(secret, StringComparison.Ordinal), $"the scrape contains '{secret}':\n{body}");
        }

        var exposition = Exposition.Parse(body);
        SpecCatalogue.AssertConforms(exposition);
        return exposition;
    }

    /// <summary>Scrapes until <paramref name="condition"/> holds; fails after 10 s with the last scrape.</summary>
    public static async Task<Exposition> WaitForAsync(TestRelay relay, Func<Exposition, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var scrape = await ScrapeAsync(relay);
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
    /// Scrapes until, for every family in <paramref name="expected"/>, the set of non-zero series equals the
    /// given map exactly (label text → value; histograms by their <c>_count</c>). Series not listed must be 0.
    /// Fails after 10 s with the difference.
    /// </summary>
    public static async Task<Exposition> ExpectAsync(TestRelay relay, Dictionary<string, Dictionary<string, double>> expected)
    {
        string Diff(Exposition scrape) => string.Join("\n", expected.Select(e =>
        {
            var actual = scrape.NonZero(e.Key);
            return Same(actual, e.Value) ? "" : $"{e.Key}: expected {Show(e.Value)} actual {Show(actual)}";
        }).Where(d => d.Length > 0));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var scrape = await ScrapeAsync(relay);
            var diff = Diff(scrape);
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

    private static bool Same(IReadOnlyDictionary<string, double> a, Dictionary<string, double> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static string Show(IReadOnlyDictionary<string, double> map) =>
        "{" + string.Join(", ", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {kv.Value}")) + "}";
}
