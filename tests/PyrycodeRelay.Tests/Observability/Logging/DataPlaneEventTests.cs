using Microsoft.Extensions.Logging;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>The data-plane events of <see cref="RelayLog"/> against the docs/logging.md#data-plane-events table.</summary>
public class DataPlaneEventTests
{
    /// <summary>docs/logging.md#data-plane-events data plane (push events are declared with the push sender, not in RelayLog).</summary>
    private static readonly (string Name, LogLevel Level, string[] Keys)[] SpecTable =
    [
        ("server_claimed", LogLevel.Information, ["server_id", "binary_version", "remote"]),
        ("server_id_conflict", LogLevel.Information, ["server_id", "remote"]),
        ("server_id_takeover", LogLevel.Information, ["server_id", "remote"]),
        ("server_released", LogLevel.Information, ["server_id"]),
        ("server_grace_expired", LogLevel.Information, ["server_id"]),
        ("phone_registered", LogLevel.Information, ["server_id", "conn_id", "device_name", "remote"]),
        ("phone_register_no_server", LogLevel.Information, ["server_id", "remote"]),
        ("phone_register_at_cap", LogLevel.Information, ["server_id", "remote"]),
        ("phone_unregistered", LogLevel.Information, ["server_id", "conn_id"]),
        ("phone_close_notice_send_failed", LogLevel.Information, ["server_id", "conn_id", "close_code", "err"]),
        ("phone_forwarder_read_end", LogLevel.Information, ["server_id", "conn_id", "err"]),
        ("phone_forwarder_marshal_err", LogLevel.Warning, ["server_id", "conn_id", "err"]),
        ("phone_forwarder_no_binary", LogLevel.Information, ["server_id", "conn_id"]),
        ("phone_forwarder_send_failed", LogLevel.Information, ["server_id", "conn_id", "err"]),
        ("binary_forwarder_read_end", LogLevel.Information, ["server_id", "binary_conn_id", "err"]),
        ("binary_forwarder_unmarshal_err", LogLevel.Warning, ["server_id", "binary_conn_id", "err"]),
        ("binary_forwarder_push_wake_dropped", LogLevel.Warning, ["server_id", "binary_conn_id", "err"]),
        ("binary_forwarder_unknown_conn_id", LogLevel.Warning, ["server_id", "conn_id"]),
        ("binary_forwarder_invalid_close_code", LogLevel.Warning, ["server_id", "conn_id", "close_code"]),
        ("binary_forwarder_phone_enqueue_failed", LogLevel.Information, ["server_id", "conn_id", "err"]),
        ("binary_forwarder_phone_send_failed", LogLevel.Information, ["server_id", "conn_id", "err"]),
        ("binary_forwarder_close_frame_send_failed", LogLevel.Information, ["server_id", "conn_id", "close_code", "err"]),
        ("binary_forwarder_phone_closed", LogLevel.Information, ["server_id", "conn_id", "close_code"]),
        ("rate_limited", LogLevel.Warning, ["remote"]),
        ("conn_cap_reached", LogLevel.Warning, ["path", "remote"]),
    ];

    public static readonly TheoryData<string> SpecEventNames = [.. SpecTable.Select(r => r.Name)];

    private static IEnumerable<LoggedEvent> RelayLogEvents =>
        LoggerMessageCatalog.All().Where(e => e.Method.DeclaringType == typeof(RelayLog));

    [Theory]
    [MemberData(nameof(SpecEventNames))]
    public void Event_matches_the_spec_and_round_trips_in_both_formats(string name)
    {
        var row = SpecTable.Single(r => r.Name == name);
        var e = Assert.Single(RelayLogEvents, x => x.Attribute.EventName == name);
        Assert.Equal(row.Level, e.Attribute.Level);
        Assert.Equal(row.Keys, e.Keys);

        foreach (var format in new[] { RelayLogFormat.Text, RelayLogFormat.Json })
        {
            using var log = new LogCapture(format);
            Assert.True(EventExerciser.TryInvoke(e, log, out var expected, out var reason), reason);
            Assert.Null(EventExerciser.Check(format, log.Lines, expected!));
        }
    }
}
