namespace PyrycodeRelay.Observability.Metrics;

/// <summary>A counter family: one running total per series (<see cref="Interlocked.Add(ref long, long)"/>).</summary>
internal sealed class CounterStore(MetricFamily family) : ScalarStore(family)
{
    /// <inheritdoc />
    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (value >= 0 && Family.TryGetSlot(tags, out var slot))
        {
            Interlocked.Add(ref Values[slot], value);
        }
        else
        {
            Reject();
        }
    }
}
