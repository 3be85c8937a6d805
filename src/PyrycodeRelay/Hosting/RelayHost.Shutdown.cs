using PyrycodeRelay.Push;

namespace PyrycodeRelay.Hosting;

/// <summary>Graceful shutdown (docs/protocol.md#graceful-shutdown, docs/operations.md#shutdown).</summary>
internal sealed partial class RelayHost
{
    /// <summary>
    /// Drains: readiness flips, listeners stop, every upgraded connection is closed 1001
    /// <c>shutting down</c> concurrently (outboxes discarded, grace abandoned, no close notices), and the
    /// relay waits up to <c>--drain-timeout</c> before aborting what remains. Returns whether everything
    /// ended in time. Idempotent.
    /// </summary>
    public async Task<bool> ShutdownAsync()
    {
        if (Interlocked.Exchange(ref _shutdownStarted, 1) != 0)
        {
            return true;
        }

        _readiness.MarkStopping();
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
