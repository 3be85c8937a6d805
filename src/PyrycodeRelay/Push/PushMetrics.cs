using System.Diagnostics.Metrics;
using PyrycodeRelay.Observability.Metrics;

namespace PyrycodeRelay.Push;

/// <summary>
/// <c>pyrycode_relay_push_wakes_total{outcome}</c> (docs/operations.md#push-metrics) on the relay's meter. Created only
/// when push is on; all five series are touched with 0 at construction so they exist from start.
/// </summary>
internal sealed class PushMetrics
{
    /// <summary>The instrument (Prometheus family) name.</summary>
    public const string InstrumentName = "pyrycode_relay_push_wakes_total";

    /// <summary>The label values, indexed by <see cref="PushOutcome"/>.</summary>
    public static readonly string[] OutcomeLabels = ["sent", "unregistered", "send_failed", "token_fetch_failed", "dropped"];

    private readonly Counter<long> _wakes;

    /// <summary>Creates the counter on the <see cref="RelayMetrics.MeterName"/> meter and touches every series.</summary>
    public PushMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(RelayMetrics.MeterName);
        _wakes = meter.CreateCounter<long>(InstrumentName,
            description: "Push wakes by outcome: admitted wakes by result, and refusals by the rate limit or in-flight cap.");
        foreach (var label in OutcomeLabels)
        {
            _wakes.Add(0, new KeyValuePair<string, object?>("outcome", label));
        }
    }

    /// <summary>Counts one wake with <paramref name="outcome"/>.</summary>
    public void Record(PushOutcome outcome) =>
        _wakes.Add(1, new KeyValuePair<string, object?>("outcome", OutcomeLabels[(int)outcome]));
}
