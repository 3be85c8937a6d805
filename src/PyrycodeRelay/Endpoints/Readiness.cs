namespace PyrycodeRelay.Endpoints;

/// <summary>Readiness for <c>/readyz</c> (docs/protocol.md#health-and-readiness): ready once serving, not ready from shutdown on.</summary>
internal sealed class Readiness
{
    private volatile bool _listening;
    private volatile bool _stopping;

    /// <summary>Optional extra condition (ACME: a certificate is available or being obtained).</summary>
    public Func<bool>? ExtraCondition { get; set; }

    /// <summary>Cluster mode: whether Redis is reachable (docs/operations.md#running-a-cluster); null in single-instance mode.</summary>
    public Func<bool>? ClusterUp { get; set; }

    /// <summary>Whether <c>/readyz</c> answers 200.</summary>
    public bool IsReady => _listening && !_stopping && (ExtraCondition?.Invoke() ?? true) && (ClusterUp?.Invoke() ?? true);

    /// <summary>Every listener is bound.</summary>
    public void MarkListening() => _listening = true;

    /// <summary>Shutdown began: readiness flips before connections are closed.</summary>
    public void MarkStopping() => _stopping = true;
}
