using PyrycodeRelay.Tls.Acme;

namespace PyrycodeRelay.Tls;

/// <summary>The background issuance/renewal loop.</summary>
internal sealed partial class AcmeCertificateManager
{
    private async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var current = _current;
            var now = _time.GetUtcNow();
            if (current is not null && now < current.RenewAt)
            {
                ScheduledRenewal = current.RenewAt;
                var wait = current.RenewAt - now;
                await Task.Delay(wait < _settings.AcmeMaxSleep ? wait : _settings.AcmeMaxSleep, _time, ct);
                continue;
            }

            ScheduledRenewal = null;
            try
            {
                await IssueOnceAsync(ct);
                failures = 0;
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
                await Task.Delay(RetryBackoff.Delay(failures, _settings.AcmeRetryInitial, _settings.AcmeRetryMax), _time, ct);
            }
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
