namespace PyrycodeRelay.Push;

/// <summary>Shutdown (docs/operations.md#push-lifecycle).</summary>
internal sealed partial class PushWakeService
{
    /// <summary>
    /// Refuses new wakes (<c>relay: push is off</c>), cancels in-flight sends (they end as <c>send_failed</c>
    /// with <c>relay: fcm send failed: context canceled</c>) and waits for them at most
    /// <paramref name="deadline"/> (measured on the injected <see cref="TimeProvider"/>). Returns true when all
    /// finished in time. Safe to call more than once and concurrently.
    /// </summary>
    public async Task<bool> ShutdownAsync(TimeSpan deadline)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            if (Volatile.Read(ref _inFlight) == 0)
            {
                _drained.TrySetResult();
            }

            await _stop.CancelAsync();
        }

        try
        {
            await _drained.Task.WaitAsync(deadline, _time);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Shuts down within <see cref="PushOptions.DrainTimeout"/>, then releases the client, timers and key.</summary>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync(_options.DrainTimeout);
        _limiter.Dispose();
        _http.Dispose();
        _tokens.Dispose();
        _key.Dispose();
        _stop.Dispose();
    }
}
