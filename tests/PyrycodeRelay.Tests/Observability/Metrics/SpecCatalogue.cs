using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>docs/metrics.md#catalogue written out independently of the relay's code, for checking every scrape.</summary>
internal static partial class SpecCatalogue
{
    public static readonly string[] Directions = ["phone_to_binary", "binary_to_phone"];
    public static readonly string[] Endpoints = ["server", "client"];
    public static readonly string[] Outcomes = ["accept", "reject_headers", "reject_409", "reject_404", "reject_429", "reject_rate_limit", "reject_capacity"];
    public static readonly string[] Kinds = ["no_server", "server_in_use", "phones_at_cap", "ratelimit"];
    public static readonly string[] PushOutcomes = ["sent", "unregistered", "send_failed", "token_fetch_failed", "dropped"];

    /// <summary>Reasons the spec requires at least, per direction.</summary>
    public static readonly (string Direction, string Reason)[] MinimumDropReasons =
    [
        ("binary_to_phone", "malformed_envelope"), ("binary_to_phone", "unknown_conn_id"), ("binary_to_phone", "outbox_overflow"),
        ("binary_to_phone", "phone_write_failed"), ("phone_to_binary", "invalid_json"), ("phone_to_binary", "no_binary"),
        ("phone_to_binary", "binary_write_failed"),
    ];

    /// <summary>Forward-latency bucket bounds as Go's client writes them.</summary>
    public static readonly string[] LatencyLe =
        ["5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];

    /// <summary>Family → (type, label names).</summary>
    public static readonly IReadOnlyDictionary<string, (string Type, string[] Labels)> Families = new Dictionary<string, (string, string[])>
    {
        ["pyrycode_relay_connected_binaries"] = ("gauge", []),
        ["pyrycode_relay_connected_phones"] = ("gauge", []),
        ["pyrycode_relay_frames_forwarded_total"] = ("counter", ["direction"]),
        ["pyrycode_relay_grace_expiries_total"] = ("counter", []),
        ["pyrycode_relay_ws_upgrade_attempts_total"] = ("counter", ["endpoint", "outcome"]),
        ["pyrycode_relay_register_failures_total"] = ("counter", ["kind"]),
        ["pyrycode_relay_push_wakes_total"] = ("counter", ["outcome"]),
        ["pyrycode_relay_bytes_forwarded_total"] = ("counter", ["direction"]),
        ["pyrycode_relay_forward_latency_seconds"] = ("histogram", ["direction"]),
        ["pyrycode_relay_outbox_queued_bytes"] = ("gauge", []),
        ["pyrycode_relay_frames_dropped_total"] = ("counter", ["direction", "reason"]),
        ["pyrycode_relay_connection_closes_total"] = ("counter", ["endpoint", "cause"]),
        ["pyrycode_relay_claim_source_changes_total"] = ("counter", ["claim"]), // issue 13
        ["pyrycode_relay_log_lines_dropped_total"] = ("counter", []), // issue 13

        ["pyrycode_relay_cluster_messages_total"] = ("counter", ["direction"]),
        ["pyrycode_relay_cluster_remote_phones"] = ("gauge", []),
        ["pyrycode_relay_cluster_link_losses_total"] = ("counter", []),
        ["pyrycode_relay_cluster_redis_up"] = ("gauge", []),
        ["pyrycode_relay_cluster_stale_epoch_drops_total"] = ("counter", []),

        // Runtime and process (issue 15 item 10, docs/metrics.md#runtime-and-process): values read at scrape, never 0-initialised.
        ["pyrycode_relay_cpu_seconds_total"] = ("counter", []),
        ["pyrycode_relay_resident_memory_bytes"] = ("gauge", []),
        ["pyrycode_relay_open_fds"] = ("gauge", []),
        ["pyrycode_relay_max_fds"] = ("gauge", []),
        ["pyrycode_relay_gc_heap_bytes"] = ("gauge", []),
        ["pyrycode_relay_gc_committed_bytes"] = ("gauge", []),
        ["pyrycode_relay_allocated_bytes_total"] = ("counter", []),
        ["pyrycode_relay_gc_collections_total"] = ("counter", ["generation"]),
        ["pyrycode_relay_gc_pause_seconds_total"] = ("counter", []),
        ["pyrycode_relay_threadpool_queue_length"] = ("gauge", []),
        ["pyrycode_relay_threadpool_threads"] = ("gauge", []),
    };

    /// <summary>The runtime and process families (process-wide values, not relay counters).</summary>
    public static readonly IReadOnlySet<string> Runtime = Families.Keys
        .SkipWhile(k => k != "pyrycode_relay_cpu_seconds_total").ToHashSet(StringComparer.Ordinal);

    /// <summary>The families only a cluster-mode relay renders.</summary>
    public static readonly string[] ClusterOnly =
    [
        "pyrycode_relay_cluster_messages_total", "pyrycode_relay_cluster_remote_phones", "pyrycode_relay_cluster_link_losses_total",
        "pyrycode_relay_cluster_redis_up", "pyrycode_relay_cluster_stale_epoch_drops_total",
    ];

    /// <summary>The families every relay renders (push only when on).</summary>
    public static IEnumerable<string> Always => Families.Keys.Where(f => f != "pyrycode_relay_push_wakes_total" && !ClusterOnly.Contains(f));

    /// <summary>Asserts that <paramref name="scrape"/> holds only catalogue families, shaped as the spec says.</summary>
    public static void AssertConforms(Exposition scrape)
    {
        foreach (var family in scrape.Families)
        {
            Assert.DoesNotMatch(ForbiddenPrefix(), family.Name);
            Assert.True(Families.TryGetValue(family.Name, out var spec), $"family {family.Name} is not in the catalogue");
            Assert.Equal(spec.Type, family.Type);
            Assert.NotEmpty(family.Help);
            foreach (var sample in family.Samples)
            {
                var names = sample.Labels.Keys.Where(k => !(sample.Name.EndsWith("_bucket", StringComparison.Ordinal) && k == "le")).ToArray();
                Assert.Equal(spec.Labels.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
                Assert.True(sample.Value >= 0 && double.IsFinite(sample.Value), $"{sample.Name}{{{sample.LabelText}}} = {sample.Value}");
                foreach (var (name, value) in sample.Labels.Where(l => l.Key != "le"))
                {
                    Assert.Matches(LabelValue(), value); // fixed snake-case constants: never a number, id or header value
                    AssertInSet(name, value);
                }
            }
        }

        Assert.Equal("Number of pyrycode binary connections currently held by the relay registry.", scrape["pyrycode_relay_connected_binaries"].Help);
        Assert.Equal("Number of mobile client connections currently held by the relay registry, summed across all server-ids.",
            scrape["pyrycode_relay_connected_phones"].Help);
        AssertSeriesSet(scrape, "pyrycode_relay_ws_upgrade_attempts_total", Endpoints.SelectMany(e => Outcomes.Select(o => $"endpoint={e},outcome={o}")));
        AssertSeriesSet(scrape, "pyrycode_relay_register_failures_total", Kinds.Select(k => $"kind={k}"));
        AssertSeriesSet(scrape, "pyrycode_relay_frames_forwarded_total", Directions.Select(d => $"direction={d}"));
        AssertSeriesSet(scrape, "pyrycode_relay_bytes_forwarded_total", Directions.Select(d => $"direction={d}"));
        if (scrape.Has("pyrycode_relay_push_wakes_total"))
        {
            AssertSeriesSet(scrape, "pyrycode_relay_push_wakes_total", PushOutcomes.Select(o => $"outcome={o}"));
        }

        foreach (var (direction, reason) in MinimumDropReasons)
        {
            scrape.Series("pyrycode_relay_frames_dropped_total", ("direction", direction), ("reason", reason));
        }

        AssertHistogram(scrape);
    }

    private static void AssertHistogram(Exposition scrape)
    {
        var family = scrape["pyrycode_relay_forward_latency_seconds"];
        foreach (var direction in Directions)
        {
            var buckets = family.Samples.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal) && s.Labels["direction"] == direction).ToList();
            Assert.Equal(LatencyLe, buckets.Select(b => b.Labels["le"]));
            for (var i = 1; i < buckets.Count; i++)
            {
                Assert.True(buckets[i].Value >= buckets[i - 1].Value, "buckets are cumulative");
            }

            var count = scrape.Value(family.Name, "_count", ("direction", direction));
            Assert.Equal(buckets[^1].Value, count);
            var sum = scrape.Value(family.Name, "_sum", ("direction", direction));
            Assert.True(count > 0 || sum == 0);
        }

        Assert.Equal(Directions.Length * (LatencyLe.Length + 2), family.Samples.Count);
    }

    private static void AssertSeriesSet(Exposition scrape, string family, IEnumerable<string> expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal),
            scrape[family].Samples.Select(s => string.Join(",", s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")))
                .Order(StringComparer.Ordinal));

    private static void AssertInSet(string label, string value)
    {
        var set = label switch
        {
            "direction" => Directions,
            "endpoint" => Endpoints,
            "kind" => Kinds,
            "generation" => ["gen0", "gen1", "gen2"],
            _ => null,
        };
        if (set is not null)
        {
            Assert.Contains(value, set);
        }
    }

    [GeneratedRegex("^(process_|dotnet_|microsoft_|go_|target_info|otel_)")]
    private static partial Regex ForbiddenPrefix();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex LabelValue();
}
