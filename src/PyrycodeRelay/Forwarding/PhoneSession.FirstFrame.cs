using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// The first-frame deadline (docs/operations.md#abuse-limits-per-session): a phone that has sent no frame within
/// <c>--phone-first-frame-timeout</c> is closed <c>1000 first frame timeout</c>, so that silent phones cannot squat
/// a server-id's <c>--phones-per-server</c> slots (the binary cannot close them: it learns a conn_id only from a
/// frame). The timer lives only until the first frame; afterwards the phone costs nothing for it.
/// </summary>
internal sealed partial class PhoneSession
{
    /// <summary>The close reason sent with 1000.</summary>
    public const string FirstFrameTimeoutReason = "first frame timeout";

    private const int FirstFrameWaiting = 0;
    private const int FirstFrameSeen = 1;
    private const int FirstFrameTimedOut = 2;

    private ITimer? _firstFrameTimer;
    private int _firstFrame; // FirstFrameWaiting → FirstFrameSeen or FirstFrameTimedOut, first writer wins

    private void ArmFirstFrameTimer() =>
        _firstFrameTimer = _ctx.Time.CreateTimer(
            static s => ((PhoneSession)s!).OnFirstFrameTimeout(), this, _ctx.PhoneFirstFrameTimeout, Timeout.InfiniteTimeSpan);

    private void DisarmFirstFrameTimer()
    {
        var timer = Interlocked.Exchange(ref _firstFrameTimer, null);
        timer?.Dispose();
    }

    /// <summary>Called by the reader for every message; false when the deadline already closed the phone.</summary>
    private bool OnFrameArrived()
    {
        var state = Volatile.Read(ref _firstFrame);
        if (state == FirstFrameSeen)
        {
            return true;
        }

        state = Interlocked.CompareExchange(ref _firstFrame, FirstFrameSeen, FirstFrameWaiting);
        if (state == FirstFrameTimedOut)
        {
            return false;
        }

        DisarmFirstFrameTimer();
        return true;
    }

    private void OnFirstFrameTimeout()
    {
        if (Interlocked.CompareExchange(ref _firstFrame, FirstFrameTimedOut, FirstFrameWaiting) != FirstFrameWaiting)
        {
            return;
        }

        RelayLog.PhoneFirstFrameTimeout(_ctx.Logger, ServerId, ConnId);
        CloseByRelay(WsCloseCodes.Normal, FirstFrameTimeoutReason, PhoneRemoval.FirstFrameTimeout);
    }
}
