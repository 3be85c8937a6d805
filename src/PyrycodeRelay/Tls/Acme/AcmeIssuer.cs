namespace PyrycodeRelay.Tls.Acme;

/// <summary>
/// Runs one whole issuance for a single DNS name over <see cref="AcmeClient"/>: account, order, http-01
/// challenges (published in an <see cref="Http01ChallengeStore"/> for the HTTP listener), finalize with a
/// fresh ECDSA P-256 key, download.
/// </summary>
internal static class AcmeIssuer
{
    /// <summary>Obtains a certificate for <paramref name="domain"/>. Throws <see cref="AcmeException"/> on failure.</summary>
    public static async Task<AcmeIssuedCertificate> IssueAsync(AcmeClient client, Http01ChallengeStore challenges,
        string domain, string? email, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(challenges);
        if (client.AccountUrl is null)
        {
            await client.NewAccountAsync(email, ct);
        }

        var (order, orderUrl) = await client.NewOrderAsync(domain, ct);
        foreach (var authzUrl in order.Authorizations ?? [])
        {
            await AuthorizeAsync(client, challenges, authzUrl, ct);
        }

        order = await client.WaitForOrderAsync(orderUrl, "ready", ct);
        var key = AcmeCsr.NewCertificateKey();
        try
        {
            if (order.Status == "ready")
            {
                var finalizeUrl = order.Finalize ?? throw new AcmeException("acme: order has no finalize URL");
                order = await client.FinalizeAsync(finalizeUrl, AcmeCsr.Build(domain, key), ct);
                if (order.Status != "valid")
                {
                    order = await client.WaitForOrderAsync(orderUrl, "valid", ct);
                }
            }

            var certUrl = order.Certificate ?? throw new AcmeException("acme: valid order has no certificate URL");
            var pem = await client.DownloadCertificateAsync(certUrl, ct);
            return new AcmeIssuedCertificate(key, pem);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static async Task AuthorizeAsync(AcmeClient client, Http01ChallengeStore challenges, Uri authzUrl,
        CancellationToken ct)
    {
        var authz = await client.GetAuthorizationAsync(authzUrl, ct);
        if (authz.Status == "valid")
        {
            return; // reused authorization
        }

        AcmeChallenge? http01 = null;
        foreach (var c in authz.Challenges ?? [])
        {
            if (c.Type == "http-01")
            {
                http01 = c;
            }
        }

        if (http01?.Token is not { } token || http01.Url is not { } url)
        {
            throw new AcmeException("acme: the server offered no http-01 challenge");
        }

        challenges.Add(token, client.KeyAuthorization(token));
        try
        {
            if (http01.Status == "pending")
            {
                await client.RespondToChallengeAsync(url, ct);
            }

            await client.WaitForAuthorizationAsync(authzUrl, ct);
        }
        finally
        {
            challenges.Remove(token);
        }
    }
}
