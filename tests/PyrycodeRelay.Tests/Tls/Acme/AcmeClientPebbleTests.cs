using PyrycodeRelay.Tests.Configuration;
using System.Security.Cryptography;
using PyrycodeRelay.Tls.Acme;

namespace PyrycodeRelay.Tests.Tls.Acme;

/// <summary>The ACME client's steps one by one against a real Pebble.</summary>
[Collection(PebbleCollection.Name)]
public sealed class AcmeClientPebbleTests(PebbleFixture pebble) : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly HttpClient _http = AcmeHttpClientFactory.Create(AcmeHttpClientFactory.LoadRoots(pebble.ServerCaFile),
        TimeSpan.FromSeconds(30));

    private AcmeClient NewClient() => new(_http, pebble.DirectoryUrl, _key, DefaultOptions.Acme, TimeProvider.System);

    [Fact]
    public async Task Directory_nonce_account_order_and_authorization_steps()
    {
        var client = NewClient();
        var directory = await client.GetDirectoryAsync(CancellationToken.None);
        Assert.NotNull(directory.NewOrder);
        Assert.False(string.IsNullOrEmpty(await client.NewNonceAsync(CancellationToken.None)));

        var account = await client.NewAccountAsync("ops@example.com", CancellationToken.None);
        Assert.StartsWith("https://127.0.0.1:", account);
        Assert.Equal(account, await NewClient().NewAccountAsync(null, CancellationToken.None)); // same key, same account

        var (order, orderUrl) = await client.NewOrderAsync("relay.test", CancellationToken.None);
        Assert.Contains(order.Status, new[] { "pending", "ready" });
        var id = Assert.Single(order.Identifiers!);
        Assert.Equal(("dns", "relay.test"), (id.Type, id.Value));
        Assert.NotNull(order.Finalize);
        Assert.Equal(order.Status, (await client.GetOrderAsync(orderUrl, CancellationToken.None)).Status);

        var authz = await client.GetAuthorizationAsync(Assert.Single(order.Authorizations!), CancellationToken.None);
        Assert.Equal("relay.test", authz.Identifier?.Value);
        if (authz.Status == "pending")
        {
            var http01 = Assert.Single(authz.Challenges!, c => c.Type == "http-01");
            Assert.Equal(http01.Token + "." + AcmeJwk.Thumbprint(_key), client.KeyAuthorization(http01.Token!));
        }
    }

    [Fact]
    public async Task Bad_nonces_are_retried_with_the_nonce_from_the_error_response()
    {
        // The fixture makes Pebble reject 30% of valid nonces; 40 requests without one rejection is ~1e-6 likely.
        var client = NewClient();
        await client.NewAccountAsync(null, CancellationToken.None);
        var (_, orderUrl) = await client.NewOrderAsync("relay.test", CancellationToken.None);
        for (var i = 0; i < 40; i++)
        {
            await client.GetOrderAsync(orderUrl, CancellationToken.None);
        }

        Assert.True(client.BadNonceRetries > 0, "no badNonce was seen");
    }

    [Fact]
    public async Task Unanswered_challenge_fails_with_the_servers_problem()
    {
        // Nothing listens on the http-01 port, so Pebble's validation fails.
        var client = NewClient();
        var store = new Http01ChallengeStore();
        var e = await Assert.ThrowsAsync<AcmeException>(() =>
            AcmeIssuer.IssueAsync(client, store, "unanswered.relay.test", null, CancellationToken.None));
        Assert.StartsWith("acme: authorization invalid: urn:ietf:params:acme:error:", e.Message);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Acme_server_is_not_trusted_without_the_ca_file()
    {
        using var http = AcmeHttpClientFactory.Create([], TimeSpan.FromSeconds(10));
        var client = new AcmeClient(http, pebble.DirectoryUrl, _key, DefaultOptions.Acme, TimeProvider.System);
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetDirectoryAsync(CancellationToken.None));
        Assert.Contains("SSL", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose()
    {
        _http.Dispose();
        _key.Dispose();
    }
}
