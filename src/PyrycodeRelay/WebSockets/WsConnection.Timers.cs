namespace PyrycodeRelay.WebSockets;

/// <summary>Deadlines: armed only when an operation actually waits, so the steady state costs nothing.</summary>
internal sealed partial class WsConnection
{
    private ITimer? _readTimer;     // per-message read deadline, then the close-handshake wait
    private ITimer? _writeTimer;    // per-write timeout
    private bool _readTimerArmed;
    private bool _closeWaitArmed;

    private void ArmReadDeadline(long messageStartedAt)
    {
        if (_readTimerArmed || _closeSent)
        {
            return;
        }

        var due = _options.MessageReadTimeout - _time.GetElapsedTime(messageStartedAt);
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        lock (_gate)
        {
            _readTimer ??= _time.CreateTimer(static s => ((WsConnection)s!).OnReadTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _readTimerArmed = true;
            _readTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void DisarmReadDeadline()
    {
        if (!_readTimerArmed)
        {
            return;
        }

        lock (_gate)
        {
            _readTimerArmed = false;
            if (!_closeWaitArmed)
            {
                _readTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void ArmCloseWait()
    {
        lock (_gate)
        {
            _readTimer ??= _time.CreateTimer(static s => ((WsConnection)s!).OnReadTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _readTimerArmed = false;
            _closeWaitArmed = true;
            _readTimer.Change(_options.CloseHandshakeTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void DisarmCloseWait()
    {
        lock (_gate)
        {
            _closeWaitArmed = false;
            _readTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnReadTimer()
    {
        bool closeWait;
        lock (_gate)
        {
            closeWait = _closeWaitArmed;
            if (!closeWait && !_readTimerArmed)
            {
                return; // disarmed concurrently
            }
        }

        Abort(closeWait ? WsAbortCause.CloseTimeout : WsAbortCause.ReadTimeout);
    }

    private void ArmWriteTimer()
    {
        lock (_gate)
        {
            _writeTimer ??= _time.CreateTimer(static s => ((WsConnection)s!).Abort(WsAbortCause.WriteTimeout), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _writeTimer.Change(_options.WriteTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void DisarmWriteTimer()
    {
        lock (_gate)
        {
            _writeTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void DisposeTimers()
    {
        lock (_gate)
        {
            _readTimer?.Dispose();
            _writeTimer?.Dispose();
            _readTimerArmed = false;
            _closeWaitArmed = false;
        }
    }
}
