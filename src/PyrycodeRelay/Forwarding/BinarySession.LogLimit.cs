using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// Per-connection log rate limit (issue 13 finding 5; docs/logging.md#limits): the repetitive events a
/// binary can trigger at will (malformed envelopes, unknown conn_ids, invalid close codes, refused push wakes, refused
/// enqueues) are logged for the first <see cref="SessionContext.LogRepeatsPerConnection"/> (default 10) occurrences; later ones are counted and
/// reported as WARN <c>log_events_suppressed</c> at most every <see cref="SummaryInterval"/> and when the connection ends.
/// Only the binary's reader calls these, so no synchronisation is needed.
/// </summary>
internal sealed partial class BinarySession
{
    /// <summary>Shortest time between two summaries of one connection.</summary>
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(10);

    private int _warningsLogged;
    private long _suppressed;
    private long _lastSummaryAt;

    private bool ShouldLogWarning()
    {
        var limit = _ctx.LogRepeatsPerConnection;
        if (_warningsLogged < limit)
        {
            if (++_warningsLogged == limit)
            {
                _lastSummaryAt = _ctx.Time.GetTimestamp();
            }

            return true;
        }

        _suppressed++;
        if (_ctx.Time.GetElapsedTime(_lastSummaryAt) >= SummaryInterval)
        {
            ReportSuppressed();
        }

        return false;
    }

    private void ReportSuppressed()
    {
        if (_suppressed == 0)
        {
            return;
        }

        RelayLog.LogEventsSuppressed(_ctx.Logger, ServerId, BinaryConnId, _suppressed);
        _suppressed = 0;
        _lastSummaryAt = _ctx.Time.GetTimestamp();
    }
}
