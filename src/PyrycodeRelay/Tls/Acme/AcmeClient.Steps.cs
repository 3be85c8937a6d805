using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PyrycodeRelay.Tls.Acme;

/// <summary>The individual RFC 8555 steps; each is usable and testable on its own.</summary>
internal sealed partial class AcmeClient
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>
    /// newAccount (RFC 8555 §7.3) with <c>termsOfServiceAgreed</c> and an optional <c>mailto:</c> contact. Returns the
    /// account URL, which becomes the <c>kid</c> of later requests. An existing account for the key is returned as is.
    /// </summary>
    public async Task<string> NewAccountAsync(string? email, CancellationToken ct)
    {
        var directory = await GetDirectoryAsync(ct);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new AcmeNewAccountRequest
        {
            Contact = string.IsNullOrEmpty(email) ? null : ["mailto:" + email],
        }, AcmeJsonContext.Default.AcmeNewAccountRequest);
        var response = await PostAsync(directory.NewAccount!, payload, useJwk: true, accept: null, ct);
        AccountUrl = response.Location?.AbsoluteUri ?? throw new AcmeException("acme: newAccount returned no Location");
        return AccountUrl;
    }

    /// <summary>newOrder (RFC 8555 §7.4) for exactly one <c>dns</c> identifier. Returns the order and its URL.</summary>
    public async Task<(AcmeOrder Order, Uri Url)> NewOrderAsync(string domain, CancellationToken ct)
    {
        var directory = await GetDirectoryAsync(ct);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new AcmeNewOrderRequest
        {
            Identifiers = [new AcmeIdentifier { Type = "dns", Value = domain }],
        }, AcmeJsonContext.Default.AcmeNewOrderRequest);
        var response = await PostAsync(directory.NewOrder!, payload, useJwk: false, accept: null, ct);
        OrdersCreated++;
        var order = Parse(response.Body, AcmeJsonContext.Default.AcmeOrder, "order");
        return (order, response.Location ?? throw new AcmeException("acme: newOrder returned no Location"));
    }

    /// <summary>Fetches an authorization (POST-as-GET).</summary>
    public async Task<AcmeAuthorization> GetAuthorizationAsync(Uri url, CancellationToken ct) =>
        Parse((await PostAsync(url, null, false, null, ct)).Body, AcmeJsonContext.Default.AcmeAuthorization, "authorization");

    /// <summary>Fetches an order (POST-as-GET).</summary>
    public async Task<AcmeOrder> GetOrderAsync(Uri url, CancellationToken ct) =>
        (await GetOrderWithHeadersAsync(url, ct)).Order;

    /// <summary>Tells the server the challenge response is in place (RFC 8555 §7.5.1: POST <c>{}</c>).</summary>
    public async Task<AcmeChallenge> RespondToChallengeAsync(Uri challengeUrl, CancellationToken ct) =>
        Parse((await PostAsync(challengeUrl, EmptyObject, false, null, ct)).Body, AcmeJsonContext.Default.AcmeChallenge,
            "challenge");

    /// <summary>Polls the authorization until <c>valid</c>; <c>invalid</c> (or any final state) throws.</summary>
    public async Task<AcmeAuthorization> WaitForAuthorizationAsync(Uri url, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + _options.PollTimeout;
        while (true)
        {
            var response = await PostAsync(url, null, false, null, ct);
            var authz = Parse(response.Body, AcmeJsonContext.Default.AcmeAuthorization, "authorization");
            switch (authz.Status)
            {
                case "valid":
                    return authz;
                case "pending" or "processing":
                    await PollDelayAsync(response.RetryAfter, deadline, "authorization", ct);
                    break;
                default:
                    throw new AcmeException($"acme: authorization {authz.Status}: {ChallengeError(authz)}");
            }
        }
    }

    /// <summary>Polls the order until its status is <paramref name="wanted"/> (<c>ready</c> or <c>valid</c>).</summary>
    public async Task<AcmeOrder> WaitForOrderAsync(Uri url, string wanted, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + _options.PollTimeout;
        while (true)
        {
            var (order, retryAfter) = await GetOrderWithHeadersAsync(url, ct);
            if (order.Status == wanted || order.Status == "valid")
            {
                return order;
            }

            if (order.Status is not ("pending" or "processing" or "ready"))
            {
                throw new AcmeException($"acme: order {order.Status}: {order.Error?.Type}: {order.Error?.Detail}");
            }

            await PollDelayAsync(retryAfter, deadline, "order", ct);
        }
    }

    /// <summary>finalize (RFC 8555 §7.4) with the DER CSR; returns the order as the server reports it.</summary>
    public async Task<AcmeOrder> FinalizeAsync(Uri finalizeUrl, byte[] csrDer, CancellationToken ct)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new AcmeFinalizeRequest { Csr = Base64Url.EncodeToString(csrDer) },
            AcmeJsonContext.Default.AcmeFinalizeRequest);
        return Parse((await PostAsync(finalizeUrl, payload, false, null, ct)).Body, AcmeJsonContext.Default.AcmeOrder, "order");
    }

    /// <summary>Downloads the issued chain (RFC 8555 §7.4.2) as PEM (<c>application/pem-certificate-chain</c>).</summary>
    public async Task<string> DownloadCertificateAsync(Uri certificateUrl, CancellationToken ct)
    {
        var response = await PostAsync(certificateUrl, null, false, "application/pem-certificate-chain", ct);
        var pem = Encoding.UTF8.GetString(response.Body);
        if (!pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw new AcmeException("acme: certificate download is not a PEM chain");
        }

        return pem;
    }

    /// <summary>
    /// The delay before the next poll: the server's <c>Retry-After</c> (seconds or date) when present, else
    /// <see cref="AcmeClientOptions.PollInterval"/>, clamped to [MinPollDelay, MaxPollDelay].
    /// </summary>
    public static TimeSpan PollDelay(RetryConditionHeaderValue? retryAfter, DateTimeOffset now, AcmeClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var delay = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : options.PollInterval);
        return delay < options.MinPollDelay ? options.MinPollDelay
            : delay > options.MaxPollDelay ? options.MaxPollDelay
            : delay;
    }

    private async Task<(AcmeOrder Order, RetryConditionHeaderValue? RetryAfter)> GetOrderWithHeadersAsync(Uri url,
        CancellationToken ct)
    {
        var response = await PostAsync(url, null, false, null, ct);
        return (Parse(response.Body, AcmeJsonContext.Default.AcmeOrder, "order"), response.RetryAfter);
    }

    private async Task PollDelayAsync(RetryConditionHeaderValue? retryAfter, DateTimeOffset deadline, string what,
        CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var delay = PollDelay(retryAfter, now, _options);
        if (now + delay > deadline)
        {
            throw new AcmeException($"acme: timed out waiting for the {what} after {_options.PollTimeout.TotalSeconds:0}s");
        }

        await Task.Delay(delay, _time, ct);
    }

    private static string ChallengeError(AcmeAuthorization authz)
    {
        foreach (var challenge in authz.Challenges ?? [])
        {
            if (challenge.Error is { } e)
            {
                return $"{e.Type}: {e.Detail}";
            }
        }

        return "no challenge error reported";
    }
}
