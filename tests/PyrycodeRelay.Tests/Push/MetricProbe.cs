using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PyrycodeRelay.Tests.Push;

/// <summary>Listens to <c>pyrycode_relay_push_wakes_total</c> of meters made by one factory; sums per outcome.</summary>
internal sealed class MetricProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _values = new();

    public MetricProbe(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Name == "pyrycode_relay_push_wakes_total")
            {
                InstrumentSeen = true;
                Assert.Equal("PyrycodeRelay", instrument.Meter.Name);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? outcome = null;
            foreach (var tag in tags)
            {
                Assert.Equal("outcome", tag.Key);
                outcome = (string?)tag.Value;
            }

            _values.AddOrUpdate(outcome!, value, (_, old) => old + value);
        });
        _listener.Start();
    }

    public bool InstrumentSeen { get; private set; }

    /// <summary>Outcome → sum of recorded values; a series that was touched with 0 is present with 0.</summary>
    public IReadOnlyDictionary<string, long> Values => new Dictionary<string, long>(_values);

    public long this[string outcome] => _values.GetValueOrDefault(outcome);

    public void Dispose() => _listener.Dispose();
}
