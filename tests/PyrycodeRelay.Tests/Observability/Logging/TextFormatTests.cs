using Microsoft.Extensions.Logging;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>Exact text-format lines (docs/logging.md#formats).</summary>
public class TextFormatTests
{
    private const string Prefix = "time=2026-06-01T12:00:00.123Z level=";

    [Fact]
    public void Spec_example_line_is_exact()
    {
        using var log = new LogCapture();
        RelayLog.ServerClaimed(log.Logger, "s1", "0.1.0", "203.0.113.7");
        Assert.Equal(
            "time=2026-06-01T12:00:00.123Z level=INFO msg=server_claimed server_id=s1 binary_version=0.1.0 remote=203.0.113.7",
            log.SingleLine);
    }

    [Fact]
    public void Rate_limited_remote_is_the_quoted_key_quoted_again()
    {
        using var log = new LogCapture();
        RelayLog.RateLimited(log.Logger, "\"1.2.3.4\"");
        RelayLog.RateLimited(log.Logger, "\"\"");
        Assert.Equal(
            [Prefix + "WARN msg=rate_limited remote=\"\\\"1.2.3.4\\\"\"", Prefix + "WARN msg=rate_limited remote=\"\\\"\\\"\""],
            log.Lines);
    }

    /// <summary>Input value → exact rendering in the text format (Go strconv.Quote style).</summary>
    private static readonly (string Value, string Expected)[] QuotingCases =
    [
        ("s1", "s1"),
        ("", "\"\""),
        ("a b", "\"a b\""),
        ("a=b", "\"a=b\""),
        ("say \"hi\"", "\"say \\\"hi\\\"\""),
        ("line1\nline2", "\"line1\\nline2\""),
        ("cr\r\nlf", "\"cr\\r\\nlf\""),
        ("tab\there", "\"tab\\there\""),
        ("\a\b\f\v", "\"\\a\\b\\f\\v\""),
        ("\u0001", "\"\\x01\""),
        ("\u001b[31m", "\"\\x1b[31m\""),
        ("\u007f", "\"\\x7f\""),
        ("\u0085", "\"\\u0085\""),
        ("nb\u00a0sp", "\"nb\\u00a0sp\""),
        ("zw\u200bsp", "\"zw\\u200bsp\""),
        ("ls\u2028ps\u2029", "\"ls\\u2028ps\\u2029\""),
        ("tag\U000E0001", "\"tag\\U000e0001\""),
        ("back\\slash", "back\\slash"),
        ("back\\slash x", "\"back\\\\slash x\""),
        ("héllo", "héllo"),
        ("日本語", "日本語"),
        ("😀", "😀"),
        ("lone\ud800", "\"lone\\ud800\""),
        ("\udc00x", "\"\\udc00x\""),
        ("pair\ud83d\ude00", "pair😀"),
        ("x level=ERROR msg=forged", "\"x level=ERROR msg=forged\""),
        ("[::1]:443", "[::1]:443"),
        ("relay: phone frame is not valid JSON", "\"relay: phone frame is not valid JSON\""),
    ];

    public static readonly TheoryData<int> QuotingCaseIndexes = [.. Enumerable.Range(0, QuotingCases.Length)];

    [Theory]
    [MemberData(nameof(QuotingCaseIndexes))]
    public void Values_are_quoted_and_escaped_like_go(int index)
    {
        var (value, expected) = QuotingCases[index];
        using var log = new LogCapture();
        TestEvents.Probe(log.Logger, value);
        var line = log.SingleLine;
        Assert.Equal(Prefix + "INFO msg=probe value=" + expected, line);

        // Round trip: the line parses back to exactly four keys and the original value (lone surrogates kept).
        var fields = TextLineParser.Parse(line);
        Assert.Equal(["time", "level", "msg", "value"], fields.Select(f => f.Key));
        Assert.Equal(value, fields[3].Value);
    }

    [Fact]
    public void Msg_with_spaces_is_quoted()
    {
        using var log = new LogCapture();
        TestEvents.InvalidMaxConnections(log.Logger, "relay: --max-connections must be a positive integer, got \"abc\"", "abc", "set --max-connections to a positive integer");
        TestEvents.ShutdownComplete(log.Logger);
        Assert.Equal(
            [
                Prefix + "ERROR msg=\"refusing to start: invalid --max-connections\" err=\"relay: --max-connections must be a positive integer, got \\\"abc\\\"\" value=abc fix=\"set --max-connections to a positive integer\"",
                Prefix + "INFO msg=\"shutdown complete\"",
            ],
            log.Lines);
    }

    [Fact]
    public void Durations_are_go_duration_text()
    {
        using var log = new LogCapture();
        var ms152 = TimeSpan.FromTicks(1_523_000);
        object us15 = TimeSpan.FromTicks(15), twoMinutes = TimeSpan.FromMinutes(2), zero = TimeSpan.Zero;
        TestEvents.PushWakeSent(log.Logger, "s1", "0a1b2c3d", ms152, "projects/p/messages/1");
        TestEvents.Probe(log.Logger, us15);
        TestEvents.Probe(log.Logger, twoMinutes);
        TestEvents.Probe(log.Logger, zero);
        Assert.Equal(
            [
                Prefix + "INFO msg=push_wake_sent server_id=s1 token_fp=0a1b2c3d duration=152.3ms fcm_message_id=projects/p/messages/1",
                Prefix + "INFO msg=probe value=1.5µs",
                Prefix + "INFO msg=probe value=2m0s",
                Prefix + "INFO msg=probe value=0s",
            ],
            log.Lines);
    }

    [Fact]
    public void Int_lists_are_bracketed_and_quoted_when_they_hold_a_space()
    {
        using var log = new LogCapture();
        TestEvents.UnexpectedListener(log.Logger, "relay: listener ports not allowed", [8080], [80, 443]);
        var empty = new List<int>();
        TestEvents.Probe(log.Logger, empty);
        Assert.Equal(
            [
                Prefix + "ERROR msg=\"refusing to start: unexpected listener\" err=\"relay: listener ports not allowed\" unexpected_ports=[8080] expected_ports=\"[80 443]\"",
                Prefix + "INFO msg=probe value=[]",
            ],
            log.Lines);
    }

    [Fact]
    public void Scalars_booleans_null_and_errors()
    {
        using var log = new LogCapture();
        TestEvents.StartingTls(log.Logger, "0.1.0", "autocert", "relay.example.com", "/var/lib/relay", true);
        object?[] values = [42, -7L, ulong.MaxValue, (short)-5, (byte)255, false, null, new InvalidOperationException("relay: boom"), LogLevel.Warning, 1.5, 'c'];
        foreach (var value in values)
        {
            TestEvents.Probe(log.Logger, value);
        }

        string[] rendered = ["42", "-7", "18446744073709551615", "-5", "255", "false", "\"\"", "\"relay: boom\"", "Warning", "1.5", "c"];
        Assert.Equal(
            [
                Prefix + "INFO msg=starting version=0.1.0 mode=autocert domain=relay.example.com cert_cache=/var/lib/relay https_proxy_protocol=true",
                .. rendered.Select(r => Prefix + "INFO msg=probe value=" + r),
            ],
            log.Lines);
    }

    [Fact]
    public void More_than_six_keys_keep_template_order()
    {
        using var log = new LogCapture();
        TestEvents.Seven(log.Logger, "s1", "c1", "b1", "Pixel 9", "192.0.2.1", 4001, "relay: x");
        Assert.Equal(
            Prefix + "WARN msg=seven server_id=s1 conn_id=c1 binary_conn_id=b1 device_name=\"Pixel 9\" remote=192.0.2.1 close_code=4001 err=\"relay: x\"",
            log.SingleLine);
    }
}
