using System.Diagnostics.Metrics;
using PyrycodeRelay.Forwarding;

namespace PyrycodeRelay.Observability.Metrics;

/// <summary>
/// The relay's instruments (docs/metrics.md#catalogue), created from <see cref="IMeterFactory"/>. Instrument
/// names are the Prometheus family names. Recording never allocates: tag values are interned constants.
/// Gauges are observed at scrape time from the callbacks given to <see cref="ObserveGauges"/>.
/// </summary>
internal sealed class RelayMetrics
{
    /// <summary>The meter every relay instrument belongs to.</summary>
    public const string MeterName = "PyrycodeRelay";

    /// <summary>Forward-latency histogram bucket bounds in seconds (docs/metrics.md#catalogue).</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly Counter<long> _framesForwarded;
    private readonly Counter<long> _bytesForwarded;
    private readonly Histogram<double> _forwardLatency;
    private readonly Counter<long> _graceExpiries;
    private readonly Counter<long> _upgradeAttempts;
    private readonly Counter<long> _registerFailures;
    private readonly Counter<long> _framesDropped;
    private readonly Counter<long> _connectionCloses;

    /// <summary>
    /// Attaches the Prometheus exporter to <paramref name="meterFactory"/> (before any instrument exists, so
    /// nothing recorded is missed) and creates the instruments on a meter from that factory.
    /// </summary>
    public RelayMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Exporter = RelayMetricsExporter.Attach(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _framesForwarded = _meter.CreateCounter<long>(RelayCatalogue.FramesForwarded, description: Help(RelayCatalogue.FramesForwarded));
        _bytesForwarded = _meter.CreateCounter<long>(RelayCatalogue.BytesForwarded, description: Help(RelayCatalogue.BytesForwarded));
        _forwardLatency = _meter.CreateHistogram(RelayCatalogue.ForwardLatency, unit: null,
            description: Help(RelayCatalogue.ForwardLatency),
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _graceExpiries = _meter.CreateCounter<long>(RelayCatalogue.GraceExpiries, description: Help(RelayCatalogue.GraceExpiries));
        _upgradeAttempts = _meter.CreateCounter<long>(RelayCatalogue.UpgradeAttempts, description: Help(RelayCatalogue.UpgradeAttempts));
        _registerFailures = _meter.CreateCounter<long>(RelayCatalogue.RegisterFailures, description: Help(RelayCatalogue.RegisterFailures));
        _framesDropped = _meter.CreateCounter<long>(RelayCatalogue.FramesDropped, description: Help(RelayCatalogue.FramesDropped));
        _connectionCloses = _meter.CreateCounter<long>(RelayCatalogue.ConnectionCloses, description: Help(RelayCatalogue.ConnectionCloses));
    }

    /// <summary>The meter (for listeners and tests).</summary>
    public Meter Meter => _meter;

    /// <summary>The exporter the metrics listener renders (<see cref="RelayMetricsExporter.Collect"/>).</summary>
    public RelayMetricsExporter Exporter { get; }

    /// <summary>Registers the scrape-time gauges.</summary>
    public void ObserveGauges(Func<long> connectedBinaries, Func<long> connectedPhones, Func<long> outboxQueuedBytes)
    {
        _meter.CreateObservableGauge(RelayCatalogue.ConnectedBinaries, connectedBinaries, description: Help(RelayCatalogue.ConnectedBinaries));
        _meter.CreateObservableGauge(RelayCatalogue.ConnectedPhones, connectedPhones, description: Help(RelayCatalogue.ConnectedPhones));
        _meter.CreateObservableGauge(RelayCatalogue.OutboxQueuedBytes, outboxQueuedBytes, description: Help(RelayCatalogue.OutboxQueuedBytes));
    }

    /// <summary>One message written to its destination: frames +1, bytes +<paramref name="bytes"/>, latency.</summary>
    public void Forwarded(Direction direction, int bytes, TimeSpan latency)
    {
        var tag = new KeyValuePair<string, object?>("direction", Labels.Of(direction));
        _framesForwarded.Add(1, tag);
        _bytesForwarded.Add(bytes, tag);
        if (_forwardLatency.Enabled)
        {
            _forwardLatency.Record(latency.TotalSeconds, tag);
        }
    }

    /// <summary>A received message that was not delivered.</summary>
    public void Dropped(Direction direction, DropReason reason) =>
        _framesDropped.Add(1,
            new KeyValuePair<string, object?>("direction", Labels.Of(direction)),
            new KeyValuePair<string, object?>("reason", Labels.Of(reason)));

    /// <summary>A terminal upgrade decision; also counts the matching register failure kind.</summary>
    public void Upgrade(RelayEndpoint endpoint, UpgradeOutcome outcome)
    {
        _upgradeAttempts.Add(1,
            new KeyValuePair<string, object?>("endpoint", Labels.Of(endpoint)),
            new KeyValuePair<string, object?>("outcome", Labels.Of(outcome)));
        var kind = Labels.FailureKind(outcome);
        if (kind is not null)
        {
            _registerFailures.Add(1, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    /// <summary>An upgraded connection ended.</summary>
    public void Closed(RelayEndpoint endpoint, CloseCause cause) =>
        _connectionCloses.Add(1,
            new KeyValuePair<string, object?>("endpoint", Labels.Of(endpoint)),
            new KeyValuePair<string, object?>("cause", Labels.Of(cause)));

    /// <summary>A grace period freed its server-id.</summary>
    public void GraceExpired() => _graceExpiries.Add(1);

    private static string Help(string family) => RelayCatalogue.Find(family)!.Help;
}
