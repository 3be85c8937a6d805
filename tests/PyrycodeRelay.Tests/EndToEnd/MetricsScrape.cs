using System.Net;
using PyrycodeRelay.Tests.Observability.Metrics;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// Scrapes a relay's metrics listener over real HTTP and parses it with the strict exposition parser of the
/// metrics tests, checking it against the spec catalogue on every scrape.
/// </summary>
internal static class MetricsScrape
{
    /// <summary>Text that must never appear in a scrape: the server-ids, tokens and markers these tests use.</summary>
    public static readonly string[] Secrets = ["phone-token-opaque", "DEVTOKEN", "ya29.", "client-", "server_id", "token=", "pyry-", "e2e-s"];

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<string> RawAsync(int port)
    {
        Assert.NotEqual(0, port);
        using var response = await Http.GetAsync($"http://127.0.0.1:{port}/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var body = await response.Content.ReadAsStringAsync();
        foreach (var secret in Secrets)
        {
            Assert.False(body.Contains(secret, StringComparison.Ordinal), $"the scrape contains '{secret}':\n{body}");
        }

        return body;
    }

    public static async Task<Exposition> ScrapeAsync(int port)
    {
        var scrape = Exposition.Parse(await RawAsync(port));
        SpecCatalogue.AssertConforms(scrape);
        return scrape;
    }

    /// <summary>
    /// Scrapes until, for every family in <paramref name="expected"/>, the non-zero series are exactly the given
    /// ones (label text such as <c>endpoint=server,outcome=accept</c> → value). Fails after 10 s with the difference.
    /// </summary>
    public static async Task<Exposition> ExpectAsync(int port, Dictionary<string, Dictionary<string, double>> expected)
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (true)
        {
            var scrape = await ScrapeAsync(port);
            var diff = string.Join("\n", expected.Select(e =>
            {
                var actual = scrape.NonZero(e.Key);
                var same = actual.Count == e.Value.Count && actual.All(kv => e.Value.TryGetValue(kv.Key, out var v) && v == kv.Value);
                return same ? "" : $"{e.Key}: expected {Show(e.Value)} actual {Show(actual)}";
            }).Where(d => d.Length > 0));
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

    private static string Show(IReadOnlyDictionary<string, double> map) =>
        "{" + string.Join(", ", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {kv.Value}")) + "}";
}
