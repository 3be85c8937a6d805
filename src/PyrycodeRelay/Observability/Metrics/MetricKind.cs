namespace PyrycodeRelay.Observability.Metrics;

/// <summary>Prometheus metric type of a family (the <c># TYPE</c> line).</summary>
internal enum MetricKind
{
    /// <summary><c>counter</c>: a <see cref="System.Diagnostics.Metrics.Counter{T}"/> of <see cref="long"/>.</summary>
    Counter,

    /// <summary><c>gauge</c>: an <see cref="System.Diagnostics.Metrics.ObservableGauge{T}"/> of <see cref="long"/>, read at scrape.</summary>
    Gauge,

    /// <summary><c>histogram</c>: a <see cref="System.Diagnostics.Metrics.Histogram{T}"/> of <see cref="double"/>.</summary>
    Histogram,
}
