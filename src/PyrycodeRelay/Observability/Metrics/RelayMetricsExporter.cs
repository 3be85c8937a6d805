using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace PyrycodeRelay.Observability.Metrics;

/// <summary>
/// The Prometheus exporter of the metrics listener (docs/metrics.md#endpoint): a <see cref="MeterListener"/> that
/// subscribes only to the catalogue's instruments on meter <see cref="RelayMetrics.MeterName"/> made by one
/// <see cref="IMeterFactory"/>, accumulates their measurements lock-free, and renders exactly the
/// <see cref="RelayCatalogue"/> at scrape: every series from start, nothing else. One exporter per factory
/// (per relay host); it disposes itself when the factory's meter is disposed.
/// </summary>
internal sealed class RelayMetricsExporter : IDisposable
{
    private static readonly ConditionalWeakTable<IMeterFactory, RelayMetricsExporter> ByScope = [];
    private static readonly Lock AttachLock = new();

    private readonly IMeterFactory _scope;
    private readonly MeterListener _listener = new();
    private readonly SeriesStore[] _stores;
    private readonly Lock _collectLock = new();
    private int _liveInstruments;
    private int _disposed;

    private RelayMetricsExporter(IMeterFactory scope)
    {
        _scope = scope;
        var families = RelayCatalogue.Families;
        _stores = new SeriesStore[families.Count];
        for (var i = 0; i < _stores.Length; i++)
        {
            _stores[i] = families[i].Kind switch
            {
                MetricKind.Counter => new CounterStore(families[i]),
                MetricKind.Gauge => new GaugeStore(families[i]),
                _ => new HistogramStore(families[i]),
            };
        }

        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.MeasurementsCompleted = OnMeasurementsCompleted;
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((SeriesStore)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((SeriesStore)state!).Record(value, tags));
    }

    /// <summary>
    /// The exporter for the instruments made by <paramref name="scope"/>, created and started on first use.
    /// Attach before recording: measurements made while no exporter listens are not seen.
    /// </summary>
    public static RelayMetricsExporter Attach(IMeterFactory scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        lock (AttachLock)
        {
            if (ByScope.TryGetValue(scope, out var existing) && existing._disposed == 0)
            {
                return existing;
            }

            var exporter = new RelayMetricsExporter(scope);
            ByScope.AddOrUpdate(scope, exporter);
            exporter._listener.Start();
            return exporter;
        }
    }

    /// <summary>The live exporter attached to <paramref name="scope"/>, or null.</summary>
    public static RelayMetricsExporter? Find(IMeterFactory scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return ByScope.TryGetValue(scope, out var exporter) && exporter._disposed == 0 ? exporter : null;
    }

    /// <summary>Measurements ignored because their tags were outside the closed label sets (a relay bug if non-zero).</summary>
    public long RejectedMeasurements
    {
        get
        {
            long total = 0;
            foreach (var store in _stores)
            {
                total += store.Rejected;
            }

            return total;
        }
    }

    /// <summary>
    /// Observes the gauges and renders the exposition (text format 0.0.4) of every catalogue family that has
    /// a live instrument. Throws when a gauge callback fails or the exporter is disposed (the caller answers 500).
    /// </summary>
    public string Collect()
    {
        lock (_collectLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            _listener.RecordObservableInstruments();
            var writer = new PrometheusTextWriter();
            foreach (var store in _stores)
            {
                if (store.IsPresent)
                {
                    store.Render(writer);
                }
            }

            return writer.ToString();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _listener.Dispose();
        }
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!ReferenceEquals(instrument.Meter.Scope, _scope)
            || !string.Equals(instrument.Meter.Name, RelayMetrics.MeterName, StringComparison.Ordinal))
        {
            return;
        }

        foreach (var store in _stores)
        {
            if (string.Equals(store.Family.Name, instrument.Name, StringComparison.Ordinal) && Fits(store.Family.Kind, instrument))
            {
                store.InstrumentAdded();
                Interlocked.Increment(ref _liveInstruments);
                listener.EnableMeasurementEvents(instrument, store);
                return;
            }
        }
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        if (state is not SeriesStore store)
        {
            return;
        }

        store.InstrumentRemoved();
        if (Interlocked.Decrement(ref _liveInstruments) == 0)
        {
            // The factory's meter was disposed (the host stopped): release the listener, off this callback.
            ThreadPool.QueueUserWorkItem(static exporter => exporter.Dispose(), this, preferLocal: false);
        }
    }

    private static bool Fits(MetricKind kind, Instrument instrument) => kind switch
    {
        MetricKind.Counter => instrument is Counter<long>,
        MetricKind.Gauge => instrument is ObservableGauge<long>,
        _ => instrument is Histogram<double>,
    };
}
