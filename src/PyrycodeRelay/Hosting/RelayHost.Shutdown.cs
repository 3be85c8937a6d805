using PyrycodeRelay.Push;

namespace PyrycodeRelay.Hosting;

/// <summary>Graceful shutdown (docs/protocol.md#graceful-shutdown, operations.md §19).</summary>
public sealed partial class RelayHost
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
        _runtime.Registry.BeginShutdown();
        _runtime.Sessions.BeginShutdown();
        using var deadline = new CancellationTokenSource(_runtime.Options.DrainTimeout, _runtime.Time);
        var stop = _app.StopAsync(deadline.Token);
        var pushDrained = _runtime.Push is PushWakeService push ? push.ShutdownAsync(_runtime.Options.DrainTimeout) : Task.FromResult(true);
        var drained = await _runtime.Sessions.WaitAllEndedAsync(deadline.Token);
        if (!drained)
        {
            _runtime.Sessions.AbortAll();
            HostLog.ShutdownDeadlineExceeded(_logger, "context deadline exceeded");
            HostLog.DrainIncomplete(_logger, "relay: " + _runtime.Sessions.Count + " connections still open at the drain deadline");
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

        _runtime.RateLimiter.Dispose();

        drained &= await pushDrained;
        if (drained)
        {
            HostLog.ShutdownComplete(_logger);
        }

        return drained;
    }
}
