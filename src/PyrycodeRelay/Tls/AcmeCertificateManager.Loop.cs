using PyrycodeRelay.Tls.Acme;

namespace PyrycodeRelay.Tls;

/// <summary>The background issuance/renewal loop.</summary>
internal sealed partial class AcmeCertificateManager
{
    private DateTimeOffset _earliestNextIssue = DateTimeOffset.MinValue;

    private async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var current = _current;
            var now = _time.GetUtcNow();
            if (current is not null)
            {
                // Never before _earliestNextIssue: a fresh certificate that is already due (tiny lifetime,
                // skewed clocks) must not cause a tight issuance loop.
                var due = current.RenewAt > _earliestNextIssue ? current.RenewAt : _earliestNextIssue;
                if (now < due)
                {
                    ScheduledRenewal = due;
                    await SleepUntilAsync(due - now < _settings.AcmeMaxSleep ? due : now + _settings.AcmeMaxSleep, ct);
                    continue;
                }
            }

            ScheduledRenewal = null;
            try
            {
                await IssueOnceAsync(ct);
                failures = 0;
                _earliestNextIssue = _time.GetUtcNow() + _settings.AcmeRetryInitial;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Any failure (ACME problem, transport, timeout, cache I/O) is logged and retried; never fatal.
                failures++;
                TlsLog.AcmeIssueFailed(_logger, _domain, Describe(e));
                var retryAt = _time.GetUtcNow() + RetryBackoff.Delay(failures, _settings.AcmeRetryInitial, _settings.AcmeRetryMax);
                NextRetryAt = retryAt;
                await SleepUntilAsync(retryAt, ct);
                NextRetryAt = null;
            }
        }
    }

    /// <summary>When the next retry after a failure is due (null when none is pending).</summary>
    public DateTimeOffset? NextRetryAt { get; private set; }

    private async Task SleepUntilAsync(DateTimeOffset when, CancellationToken ct)
    {
        var wait = when - _time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, ct);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        AcmeException => e.Message,
        TaskCanceledException => "acme: request timed out",
        HttpRequestException h => "acme: " + (h.InnerException?.Message is { } inner ? h.Message + " (" + inner + ")" : h.Message),
        _ => e.Message,
    };
}
