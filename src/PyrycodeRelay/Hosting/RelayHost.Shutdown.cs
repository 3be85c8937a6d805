using PyrycodeRelay.Push;

namespace PyrycodeRelay.Hosting;

/// <summary>Graceful shutdown (docs/protocol.md#graceful-shutdown, docs/operations.md#shutdown).</summary>
internal sealed partial class RelayHost
{
    /// <summary>
    /// Drains (docs/operations.md#signals-and-drain): readiness flips; after <c>--shutdown-delay</c> (default 0,
    /// the relay keeps serving meanwhile) every listening socket is closed, and only then is every upgraded
    /// connection closed 1001 <c>shutting down</c> concurrently (outboxes discarded, grace abandoned, no close
    /// notices), so a client that redials on the 1001 is refused, never accepted and closed. The relay waits up
    /// to <c>--drain-timeout</c> before aborting what remains. Returns whether everything ended in time. Idempotent.
    /// </summary>
    public async Task<bool> ShutdownAsync()
    {
        if (Interlocked.Exchange(ref _shutdownStarted, 1) != 0)
        {
            return true;
        }

        _readiness.MarkStopping();
        var delay = _settings.Options.ShutdownDelay;
        if (delay > TimeSpan.Zero)
        {
            OperatorLog.ShutdownDelay(_logger, GoCompat.GoDuration.Format(delay));
            await Task.Delay(delay, _settings.Time);
        }

        if (_transport is not null)
        {
            await _transport.StopAcceptingAsync(); // before the first 1001: a redial is refused by the kernel
        }

        OperatorLog.ListenersClosed(_logger);
        _sessions.Registry.BeginShutdown();
        _sessions.Tracker.BeginShutdown();
        using var deadline = new CancellationTokenSource(_settings.Options.DrainTimeout, _settings.Time);
        var stop = _app.StopAsync(deadline.Token);
        var pushDrained = _sessions.Push is PushWakeService push ? push.ShutdownAsync(_settings.Options.DrainTimeout) : Task.FromResult(true);
        var drained = await _sessions.Tracker.WaitAllEndedAsync(deadline.Token);
        if (!drained)
        {
            _sessions.Tracker.AbortAll();
            HostLog.ShutdownDeadlineExceeded(_logger, "context deadline exceeded");
            HostLog.DrainIncomplete(_logger, "relay: " + _sessions.Tracker.Count + " connections still open at the drain deadline");
        }

        try
        {
            await stop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            drained = false;
        }
        catch (Exception ex)
        {
            HostLog.HttpServerShutdown(_logger, "relay: " + ex.GetType().Name);
            drained = false;
        }

        _admission.Dispose();

        drained &= await pushDrained;
        if (drained)
        {
            HostLog.ShutdownComplete(_logger);
        }

        return drained;
    }
}
