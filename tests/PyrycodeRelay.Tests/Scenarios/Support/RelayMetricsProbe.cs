using System.Diagnostics.Metrics;

namespace PyrycodeRelay.Tests.Scenarios.Support;

/// <summary>
/// Observes the relay's own meter (<c>RelayHost.Meter</c>): counter sums per label set, gauge values read
/// at "scrape" time, and an optional background sampler that records the largest value a gauge took.
/// </summary>
internal sealed class RelayMetricsProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly List<(string Name, KeyValuePair<string, string>[] Tags, double Value)> _measurements = [];
    private readonly Dictionary<(Meter, string), double> _gauges = []; // per meter: cross-node sums both nodes
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, double> _maxima = [];
    private Task? _sampler;

    /// <summary>Starts listening to <paramref name="relay"/>'s instruments.</summary>
    public RelayMetricsProbe(TestRelay relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var meter = relay.Host.Meter;
        var phoneMeter = relay.PhoneHost?.Meter; // cross-node: counters summed over both nodes
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) || ReferenceEquals(instrument.Meter, phoneMeter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        _listener.Start();
    }

    /// <summary>Sum of counter <paramref name="name"/> over measurements carrying every tag in <paramref name="tags"/>.</summary>
    public long Counter(string name, params (string Key, string Value)[] tags)
    {
        lock (_lock)
        {
            double sum = 0;
            foreach (var m in _measurements)
            {
                if (m.Name == name && tags.All(t => m.Tags.Any(x => x.Key == t.Key && x.Value == t.Value)))
                {
                    sum += m.Value;
                }
            }

            return (long)sum;
        }
    }

    /// <summary>Current value of an observable gauge (the callbacks run now, as at a scrape).</summary>
    public long Gauge(string name)
    {
        lock (_lock)
        {
            _listener.RecordObservableInstruments();
            var values = _gauges.Where(g => g.Key.Item2 == name).Select(g => g.Value).ToList();
            return values.Count > 0 ? (long)values.Sum() : throw new InvalidOperationException("gauge not observed: " + name);
        }
    }

    /// <summary>Starts sampling every gauge about every millisecond; <see cref="MaxGauge"/> reports the maxima.</summary>
    public void StartSampling()
    {
        _sampler ??= Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                lock (_lock)
                {
                    _listener.RecordObservableInstruments();
                }

                await Task.Delay(1);
            }
        });
    }

    /// <summary>Largest value gauge <paramref name="name"/> took while sampling (or at any <see cref="Gauge"/> read).</summary>
    public long MaxGauge(string name)
    {
        lock (_lock)
        {
            return _maxima.TryGetValue(name, out var v) ? (long)v : 0;
        }
    }

    /// <summary>Polls until counter <paramref name="name"/> equals <paramref name="expected"/>; fails after 10 s.</summary>
    public async Task WaitForCounterAsync(string name, long expected, params (string Key, string Value)[] tags)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Counter(name, tags) != expected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name}{{{string.Join(",", tags)}}} is {Counter(name, tags)}, expected {expected}");
            }

            await Task.Delay(20);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _sampler?.Wait(TimeSpan.FromSeconds(5));
        _listener.Dispose();
        _stop.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            copy[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        lock (_lock)
        {
            if (instrument.IsObservable)
            {
                _gauges[(instrument.Meter, instrument.Name)] = value;
                _maxima[instrument.Name] = Math.Max(value, _maxima.GetValueOrDefault(instrument.Name));
            }
            else
            {
                _measurements.Add((instrument.Name, copy, value));
            }
        }
    }
}
