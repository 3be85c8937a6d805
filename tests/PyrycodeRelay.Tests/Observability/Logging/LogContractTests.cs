using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>
/// The log contract (docs/logging.md#keys), checked over every <c>[LoggerMessage]</c> method of the relay
/// assembly, found by reflection, so events added anywhere in the relay are covered automatically.
/// </summary>
public class LogContractTests
{
    /// <summary>docs/logging.md#keys: the only keys besides time, level and msg.</summary>
    public static readonly IReadOnlySet<string> AllowedKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "server_id", "conn_id", "binary_conn_id", "device_name", "remote", "binary_version", "err", "path",
        "from", "to", "close_code", "token_fp", "fcm_message_id", "duration", "version", "mode", "listen",
        "domain", "cert_cache", "https_proxy_protocol", "addr", "fix", "env_var", "reason", "value",
        "effective_uid", "unexpected_ports", "expected_ports", "bypass_env_var",
        "source_fp", // issue 13: a salted fingerprint of the source network, never the address
        "node_id", "result", // cluster mode (docs/operations.md#running-a-cluster)
    };

    private static readonly IReadOnlyList<LoggedEvent> Events = LoggerMessageCatalog.All();

    [Fact]
    public void Reflection_finds_the_relay_events()
    {
        var claimed = Assert.Single(Events, e => e.Attribute.EventName == "server_claimed");
        Assert.Equal(["server_id", "binary_version", "remote"], claimed.Keys);
        Assert.True(Events.Count >= 25, $"only {Events.Count} events found");
    }

    [Fact]
    public void Every_event_has_a_name_and_an_event_id()
    {
        var failures = Events
            .Where(e => string.IsNullOrEmpty(e.Attribute.EventName) || e.Attribute.EventId <= 0)
            .Select(e => $"{e.Where}: EventName '{e.Attribute.EventName}', EventId {e.Attribute.EventId}")
            .ToList();
        AssertNone(failures);
    }

    [Fact]
    public void Every_key_is_in_the_allowlist()
    {
        var failures = Events
            .SelectMany(e => e.Keys.Where(k => !AllowedKeys.Contains(k)).Select(k => $"{e.Where}: key '{k}'"))
            .ToList();
        AssertNone(failures);
    }

    [Fact]
    public void No_key_is_repeated_within_an_event()
    {
        var failures = Events
            .Where(e => e.Keys.Distinct(StringComparer.Ordinal).Count() != e.Keys.Count)
            .Select(e => $"{e.Where}: keys {string.Join(',', e.Keys)}")
            .ToList();
        AssertNone(failures);
    }

    [Fact]
    public void No_event_id_is_shared_by_two_different_names()
    {
        var failures = Events
            .GroupBy(e => e.Attribute.EventId)
            .Where(g => g.Select(e => e.Attribute.EventName).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(g => $"EventId {g.Key}: {string.Join(", ", g.Select(e => $"{e.Attribute.EventName} ({e.Where})"))}")
            .ToList();
        AssertNone(failures);
    }

    [Fact]
    public void Every_template_is_the_event_name_followed_by_its_keys()
    {
        // Team convention: Message = "<EventName> k1={k1} k2={k2} ...", so msg and keys read the same in code and docs.
        var failures = Events
            .Where(e => e.Attribute.Message != e.Attribute.EventName + string.Concat(e.Keys.Select(k => $" {k}={{{k}}}")))
            .Select(e => $"{e.Where}: Message '{e.Attribute.Message}' vs EventName '{e.Attribute.EventName}'")
            .ToList();
        AssertNone(failures);
    }

    [Fact]
    public void Event_names_are_single_line_text_without_placeholders()
    {
        var failures = Events
            .Select(e => e.Attribute.EventName ?? string.Empty)
            .Where(n => n.AsSpan().IndexOfAny("{}\r\n\t") >= 0 || n.Trim() != n)
            .ToList();
        AssertNone(failures);
    }

    [Theory]
    [InlineData(PyrycodeRelay.Observability.Logging.RelayLogFormat.Text)]
    [InlineData(PyrycodeRelay.Observability.Logging.RelayLogFormat.Json)]
    public void Every_event_is_written_by_the_real_provider_and_parses_back(object formatValue)
    {
        var format = (PyrycodeRelay.Observability.Logging.RelayLogFormat)formatValue;
        var failures = new List<string>();
        var exercised = 0;
        foreach (var e in Events)
        {
            using var log = new LogCapture(format);
            if (!EventExerciser.TryInvoke(e, log, out var expected, out var skipReason))
            {
                if (skipReason is not null)
                {
                    failures.Add($"{e.Where}: {skipReason}");
                }

                continue;
            }

            exercised++;
            var error = EventExerciser.Check(format, log.Lines, expected!);
            if (error is not null)
            {
                failures.Add($"{e.Where}: {error}");
            }
        }

        AssertNone(failures);
        Assert.True(exercised >= 25, $"only {exercised} events exercised");
    }

    private static void AssertNone(List<string> failures)
    {
        if (failures.Count > 0)
        {
            Assert.Fail($"{failures.Count} log contract violation(s):\n" + string.Join('\n', failures));
        }
    }
}
