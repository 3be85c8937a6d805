using System.Text.Json;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>Exact json-format lines (docs/logging.md#formats); every line must parse as one JSON object.</summary>
public class JsonFormatTests
{
    private const string Prefix = "{\"time\":\"2026-06-01T12:00:00.123Z\",\"level\":";

    /// <summary>Input value → exact JSON rendering and the string JSON decoding gives back.</summary>
    private static readonly (string Value, string Expected, string Decoded)[] StringCases =
    [
        ("s1", "\"s1\"", "s1"),
        ("", "\"\"", ""),
        ("a b=c", "\"a b=c\"", "a b=c"),
        ("say \"hi\"", "\"say \\\"hi\\\"\"", "say \"hi\""),
        ("a\\b", "\"a\\\\b\"", "a\\b"),
        ("line1\nline2", "\"line1\\nline2\"", "line1\nline2"),
        ("\r\t\b\f", "\"\\r\\t\\b\\f\"", "\r\t\b\f"),
        ("\u0001\u001f", "\"\\u0001\\u001f\"", "\u0001\u001f"),
        ("\u007f\u0085", "\"\\u007f\\u0085\"", "\u007f\u0085"),
        ("\u2028\u2029", "\"\\u2028\\u2029\"", "\u2028\u2029"),
        ("héllo 日本語 😀", "\"héllo 日本語 😀\"", "héllo 日本語 😀"),
        ("nb\u00a0sp", "\"nb\u00a0sp\"", "nb\u00a0sp"),
        ("<tag>&'", "\"<tag>&'\"", "<tag>&'"),
        ("lone\ud800", "\"lone\\ufffd\"", "lone\ufffd"),
        ("\udc00", "\"\\ufffd\"", "\ufffd"),
        ("\"1.2.3.4\"", "\"\\\"1.2.3.4\\\"\"", "\"1.2.3.4\""),
    ];

    public static readonly TheoryData<int> StringCaseIndexes = [.. Enumerable.Range(0, StringCases.Length)];

    [Fact]
    public void Spec_example_event_is_exact()
    {
        using var log = new LogCapture(RelayLogFormat.Json);
        RelayLog.ServerClaimed(log.Logger, "s1", "0.1.0", "203.0.113.7");
        Assert.Equal(
            "{\"time\":\"2026-06-01T12:00:00.123Z\",\"level\":\"INFO\",\"msg\":\"server_claimed\",\"server_id\":\"s1\",\"binary_version\":\"0.1.0\",\"remote\":\"203.0.113.7\"}",
            log.SingleLine);
    }

    [Fact]
    public void Rate_limited_remote_keeps_its_quotes()
    {
        using var log = new LogCapture(RelayLogFormat.Json);
        RelayLog.RateLimited(log.Logger, "\"1.2.3.4\"");
        RelayLog.RateLimited(log.Logger, "\"\"");
        Assert.Equal(
            [Prefix + "\"WARN\",\"msg\":\"rate_limited\",\"remote\":\"\\\"1.2.3.4\\\"\"}", Prefix + "\"WARN\",\"msg\":\"rate_limited\",\"remote\":\"\\\"\\\"\"}"],
            log.Lines);
        using var doc = JsonDocument.Parse(log.Lines[0]);
        Assert.Equal("\"1.2.3.4\"", doc.RootElement.GetProperty("remote").GetString());
    }

    [Theory]
    [MemberData(nameof(StringCaseIndexes))]
    public void Strings_are_escaped_and_lines_never_break(int index)
    {
        var (value, expected, decoded) = StringCases[index];
        using var log = new LogCapture(RelayLogFormat.Json);
        TestEvents.Probe(log.Logger, value);
        var line = log.SingleLine;
        Assert.Equal(Prefix + "\"INFO\",\"msg\":\"probe\",\"value\":" + expected + "}", line);
        using var doc = JsonDocument.Parse(line);
        Assert.Equal(["time", "level", "msg", "value"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(decoded, doc.RootElement.GetProperty("value").GetString());
    }

    [Fact]
    public void Typed_values()
    {
        using var log = new LogCapture(RelayLogFormat.Json);
        var ms152 = TimeSpan.FromTicks(1_523_000);
        TestEvents.PushWakeSent(log.Logger, "s1", "0a1b2c3d", ms152, "m1");
        TestEvents.UnexpectedListener(log.Logger, "relay: x", [8080], [80, 443]);
        TestEvents.StartingTls(log.Logger, "0.1.0", "static-cert", "relay.example.com", "", false);
        object?[] values = [42, -7L, ulong.MaxValue, true, null, new InvalidOperationException("relay: boom"), LogLevel.Warning, 1.5, Array.Empty<int>()];
        foreach (var value in values)
        {
            TestEvents.Probe(log.Logger, value);
        }

        string[] rendered = ["42", "-7", "18446744073709551615", "true", "\"\"", "\"relay: boom\"", "\"Warning\"", "\"1.5\"", "[]"];
        Assert.Equal(
            [
                Prefix + "\"INFO\",\"msg\":\"push_wake_sent\",\"server_id\":\"s1\",\"token_fp\":\"0a1b2c3d\",\"duration\":\"152.3ms\",\"fcm_message_id\":\"m1\"}",
                Prefix + "\"ERROR\",\"msg\":\"refusing to start: unexpected listener\",\"err\":\"relay: x\",\"unexpected_ports\":[8080],\"expected_ports\":[80,443]}",
                Prefix + "\"INFO\",\"msg\":\"starting\",\"version\":\"0.1.0\",\"mode\":\"static-cert\",\"domain\":\"relay.example.com\",\"cert_cache\":\"\",\"https_proxy_protocol\":false}",
                .. rendered.Select(r => Prefix + "\"INFO\",\"msg\":\"probe\",\"value\":" + r + "}"),
            ],
            log.Lines);
        foreach (var line in log.Lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        }
    }

    [Fact]
    public void No_keys_and_seven_keys()
    {
        using var log = new LogCapture(RelayLogFormat.Json);
        TestEvents.ShutdownComplete(log.Logger);
        TestEvents.Seven(log.Logger, "s1", "c1", "b1", "Pixel\n9", "192.0.2.1", 4001, "relay: x");
        Assert.Equal(
            [
                Prefix + "\"INFO\",\"msg\":\"shutdown complete\"}",
                Prefix + "\"WARN\",\"msg\":\"seven\",\"server_id\":\"s1\",\"conn_id\":\"c1\",\"binary_conn_id\":\"b1\",\"device_name\":\"Pixel\\n9\",\"remote\":\"192.0.2.1\",\"close_code\":4001,\"err\":\"relay: x\"}",
            ],
            log.Lines);
    }
}
