using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Reliability.Hardening;

/// <summary>
/// Issue 13 finding 5 (docs/logging.md#limits): attacker-controlled values are capped in log lines and the events a
/// binary can repeat at will are rate-limited per connection.
/// </summary>
public sealed class LogFloodTests
{
    [Fact]
    public async Task A_240_KB_conn_id_gives_a_bounded_line()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { RateLimitBurst = 1_000_000 }); // production log limits
        await using var b = await relay.ConnectHolderAsync(read: true);
        var connId = "client-s1-" + new string('a', 240_000);
        await b.SendTextAsync(Envelopes.Data(connId, "{}"));

        var e = await relay.Logs.WaitForAsync("binary_forwarder_unknown_conn_id");
        Assert.Equal(connId[..LogText.MaxChars] + "...", e["conn_id"]);
        string? line = null;
        await Eventually.Async(
            () => (line = relay.Text.Split('\n').FirstOrDefault(l => l.Contains("msg=binary_forwarder_unknown_conn_id", StringComparison.Ordinal))) is not null,
            "the unknown conn_id line");
        Assert.InRange(line!.Length, 100, 400);
    }

    [Fact]
    public async Task A_long_binary_version_is_capped_in_server_claimed()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { RateLimitBurst = 1_000_000 }); // production log limits
        var headers = ClientHeaders.Binary("s1");
        headers["X-Pyrycode-Version"] = new string('v', 8000);
        await using var b = await WsTestClient.ConnectAsync(relay.Target, "/v1/server", headers);
        var claimed = await relay.Logs.WaitForAsync("server_claimed");
        Assert.Equal(new string('v', LogText.MaxChars) + "...", claimed["binary_version"]);
    }

    [Fact]
    public async Task A_thousand_malformed_envelopes_log_ten_lines_and_one_summary_with_the_count()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { RateLimitBurst = 1_000_000 }); // production log limits
        var b = await relay.ConnectHolderAsync(read: true);
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _ = phone;
        for (var i = 0; i < 1000; i++)
        {
            await b.SendTextAsync("{\"no\":\"conn_id\"}");
        }

        // The connection still works, and the flood left only the first ten lines.
        await b.SendTextAsync(Envelopes.Data(connId, "{\"still\":1}"));
        Assert.Equal("{\"still\":1}", await phone.ReceiveTextAsync());
        Assert.Equal(10, relay.Logs.Named("binary_forwarder_unmarshal_err").Count);

        await b.CloseAsync();
        await b.DisposeAsync();
        await relay.Logs.WaitForAsync("binary_forwarder_read_end");
        await relay.Logs.WaitForAsync("log_events_suppressed");
        var summaries = relay.Logs.Named("log_events_suppressed");
        Assert.Equal(1000 - 10, summaries.Sum(s => long.Parse(s["value"]!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(summaries, s => Assert.Equal("s1", s["server_id"]));
        Assert.True(relay.Text.Length < 16_000, $"{relay.Text.Length} bytes of log for 1000 malformed envelopes");
    }
}
