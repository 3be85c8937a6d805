using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.Observability.LogHygiene;

/// <summary>Scenario N102 and docs/logging.md#formats: the real process's stderr in both formats.</summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public partial class LogFormatProcessTests
{
    [Fact]
    public async Task N102_json_every_line_is_one_object_beginning_with_time_level_msg()
    {
        var (stopped, startedAt, phoneConnId) = await RunSessionAsync("json");
        Assert.NotEmpty(stopped.Stderr);
        foreach (var raw in stopped.Stderr)
        {
            Assert.StartsWith("{\"time\":\"", raw, StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(raw);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
            var props = doc.RootElement.EnumerateObject().ToList();
            Assert.Equal(["time", "level", "msg"], props.Take(3).Select(p => p.Name));
            Assert.All(props.Take(3), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
            AssertTimestamp(props[0].Value.GetString()!, startedAt);
            Assert.Contains(props[1].Value.GetString(), (string[])["INFO", "WARN", "ERROR"]);
        }

        var claimed = stopped.Single("server_claimed");
        Assert.Equal(["time", "level", "msg", "server_id", "binary_version", "remote"], claimed.Keys);
        Assert.Equal(("INFO", "s1", "0.1.0-test", "127.0.0.1"), (claimed["level"], claimed["server_id"], claimed["binary_version"], claimed["remote"]));

        var registered = stopped.Single("phone_registered");
        Assert.Equal(["time", "level", "msg", "server_id", "conn_id", "device_name", "remote"], registered.Keys);
        Assert.Equal(("s1", phoneConnId, "Pixel 9", "127.0.0.1"),
            (registered["server_id"], registered["conn_id"], registered["device_name"], registered["remote"]));
        Assert.Matches("^client-s1-[0-9a-f]{16}$", registered["conn_id"]);

        // Integers are JSON numbers; strings are strings.
        using var closed = JsonDocument.Parse(stopped.Stderr.Single(l => l.Contains("\"msg\":\"binary_forwarder_phone_closed\"", StringComparison.Ordinal)));
        Assert.Equal(JsonValueKind.Number, closed.RootElement.GetProperty("close_code").ValueKind);
        Assert.Equal(4401, closed.RootElement.GetProperty("close_code").GetInt32());
        using var starting = JsonDocument.Parse(stopped.Stderr.Single(l => l.Contains("\"msg\":\"starting\"", StringComparison.Ordinal)));
        Assert.Equal(["time", "level", "msg", "version", "mode", "listen"], starting.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task N102_text_lines_have_the_18_1_shape()
    {
        var (stopped, startedAt, phoneConnId) = await RunSessionAsync("text");
        Assert.NotEmpty(stopped.Stderr);
        foreach (var raw in stopped.Stderr)
        {
            var m = TextLine().Match(raw);
            Assert.True(m.Success, "not a docs/logging.md#formats text line: " + raw);
            AssertTimestamp(m.Groups["ts"].Value, startedAt);
        }

        var ts = @"time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z";
        Assert.Matches($"^{ts} level=INFO msg=server_claimed server_id=s1 binary_version=0\\.1\\.0-test remote=127\\.0\\.0\\.1$",
            Assert.Single(stopped.Stderr, l => l.Contains(" msg=server_claimed ", StringComparison.Ordinal)));
        Assert.Matches($"^{ts} level=INFO msg=phone_registered server_id=s1 conn_id={phoneConnId} device_name=\"Pixel 9\" remote=127\\.0\\.0\\.1$",
            Assert.Single(stopped.Stderr, l => l.Contains(" msg=phone_registered ", StringComparison.Ordinal)));
        Assert.Matches($"^{ts} level=INFO msg=binary_forwarder_phone_closed server_id=s1 conn_id={phoneConnId} close_code=4401$",
            Assert.Single(stopped.Stderr, l => l.Contains(" msg=binary_forwarder_phone_closed ", StringComparison.Ordinal)));
        Assert.Matches($"^{ts} level=INFO msg=\"shutdown signal received; draining\"$",
            Assert.Single(stopped.Stderr, l => l.Contains("shutdown signal received", StringComparison.Ordinal)));
    }

    /// <summary>
    /// B claims; P (device name <c>Pixel 9</c>) registers and sends a frame; B closes P with a 4401 directive;
    /// B closes; SIGTERM. Returns the stopped relay (exit 0 asserted), the test's start time and P's conn_id.
    /// </summary>
    private static async Task<(StoppedRelay Stopped, DateTime StartedAt, string PhoneConnId)> RunSessionAsync(string format)
    {
        var startedAt = DateTime.UtcNow;
        await using var relay = await LiveRelay.StartAsync(logFormat: format);
        await using var binary = await relay.ConnectHolderAsync();
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync(headers: new Dictionary<string, string> { ["X-Pyrycode-Device-Name"] = "Pixel 9" });
        await using (phone)
        {
            await phone.SendTextAsync("""{"v":1}""");
            Assert.Equal($$$"""{"conn_id":"{{{connId}}}","frame":{"v":1}}""", await binary.ReceiveTextAsync());
            await binary.SendTextAsync($$$"""{"conn_id":"{{{connId}}}","frame":null,"close_code":4401}""");
            Assert.Equal((4401, ""), await phone.ReceiveCloseAsync());
            await phone.CloseAsync((WebSocketCloseStatus)4401);
        }

        await relay.WaitForLogAsync("binary_forwarder_phone_closed");
        await relay.WaitForLogAsync("phone_unregistered");
        await binary.CloseAsync();
        await relay.WaitForLogAsync("server_released");
        var stopped = await relay.StopAsync();
        Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
        Assert.Equal("", stopped.Stdout);
        return (stopped, startedAt, connId);
    }

    /// <summary>RFC 3339 UTC with exactly three fractional digits and <c>Z</c>, within the test's run.</summary>
    private static void AssertTimestamp(string ts, DateTime startedAt)
    {
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", ts);
        var t = DateTime.ParseExact(ts, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        Assert.InRange(t, startedAt.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1));
    }

    /// <summary>
    /// <c>time=&lt;ts&gt; level=&lt;LEVEL&gt; msg=&lt;msg&gt; &lt;key&gt;=&lt;value&gt; …</c>: a bare value has no
    /// space, <c>=</c> or <c>"</c>; a quoted one is Go-escaped.
    /// </summary>
    [GeneratedRegex("""^time=(?<ts>\S+) level=(INFO|WARN|ERROR) msg=([^ ="]+|"(?:[^"\\]|\\.)*")( [a-z_]+=([^ ="]*|"(?:[^"\\]|\\.)*"))*$""")]
    private static partial Regex TextLine();
}
