using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Push;

/// <summary>Running one admitted wake: send, count, log (docs/operations.md#push-outcome-logs, docs/operations.md#push-metrics).</summary>
internal sealed partial class PushWakeService
{
    private void Start(Wake wake)
    {
        // The wake belongs to no connection: do not carry the caller's execution context along.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => RunAsync(wake));
        }
    }

    private async Task RunAsync(Wake wake)
    {
        try
        {
            WakeResult result;
            try
            {
                result = await _sender.SendAsync(wake.Token, _stop.Token);
            }
#pragma warning disable CA1031 // A wake never escapes its task; SendAsync already maps every known failure.
            catch (Exception)
#pragma warning restore CA1031
            {
                result = WakeResult.Failed(PushOutcome.SendFailed,
                    _stop.IsCancellationRequested ? FcmSender.Canceled : $"{FcmSender.SendFailed}: transport error");
            }

            var duration = _time.GetElapsedTime(wake.AdmittedAt);
            _metrics.Record(result.Outcome);
            var fingerprint = TokenFingerprint.Of(wake.Token);
            if (result.Outcome == PushOutcome.Sent)
            {
                if (result.MessageId is not null)
                {
                    PushLog.PushWakeSent(_logger, wake.ServerId, fingerprint, duration, result.MessageId);
                }
                else
                {
                    PushLog.NoMessageId.PushWakeSent(_logger, wake.ServerId, fingerprint, duration);
                }
            }
            else
            {
                PushLog.PushWakeSendFailed(_logger, wake.ServerId, fingerprint, duration, result.Error ?? FcmSender.SendFailed);
            }
        }
#pragma warning disable CA1031 // A failing log provider must not leak the in-flight slot or crash the process.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _stopping) != 0)
        {
            _drained.TrySetResult();
        }
    }
}
