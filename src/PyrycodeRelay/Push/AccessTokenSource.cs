using System.Text.Json;

namespace PyrycodeRelay.Push;

/// <summary>
/// OAuth 2.0 JWT-bearer access tokens for FCM (docs/operations.md#fcm-access-token): fetched on demand, reused until 10 s
/// before expiry, refreshed by one caller at a time (concurrent callers wait for that refresh).
/// </summary>
internal sealed class AccessTokenSource : IDisposable
{
    /// <summary>Prefix of every token failure text.</summary>
    public const string FetchFailed = "relay: fcm access-token fetch failed";

    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly ServiceAccountKey _key;
    private readonly Uri? _tokenUrl;
    private readonly string _audience;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private CachedToken? _cached;

    /// <summary>Creates the source; <paramref name="tokenUrl"/> is the already-chosen token endpoint.</summary>
    public AccessTokenSource(HttpClient http, ServiceAccountKey key, string tokenUrl, TimeSpan requestTimeout, TimeProvider time)
    {
        _http = http;
        _key = key;
        _audience = tokenUrl;
        _tokenUrl = Uri.TryCreate(tokenUrl, UriKind.Absolute, out var uri) ? uri : null;
        _requestTimeout = requestTimeout;
        _time = time;
    }

    /// <summary>Number of token requests made (for tests and diagnostics).</summary>
    public int Fetches { get; private set; }

    /// <summary>
    /// Returns a valid access token, or the failure text in <c>Error</c>. Throws
    /// <see cref="OperationCanceledException"/> only when <paramref name="shutdown"/> is cancelled.
    /// </summary>
    public async Task<(string? Token, string? Error)> GetAsync(CancellationToken shutdown)
    {
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && _time.GetUtcNow() < cached.UseUntil)
        {
            return (cached.Token, null);
        }

        await _refresh.WaitAsync(shutdown);
        try
        {
            cached = Volatile.Read(ref _cached);
            if (cached is not null && _time.GetUtcNow() < cached.UseUntil)
            {
                return (cached.Token, null);
            }

            var (token, expiresIn, error) = await FetchAsync(shutdown);
            if (token is null)
            {
                return (null, error);
            }

            Volatile.Write(ref _cached, new CachedToken(token, _time.GetUtcNow() + expiresIn - ExpiryMargin));
            return (token, null);
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _refresh.Dispose();

    private async Task<(string? Token, TimeSpan ExpiresIn, string? Error)> FetchAsync(CancellationToken shutdown)
    {
        if (_tokenUrl is null)
        {
            return (null, default, FetchFailed);
        }

        Fetches++;
        var assertion = JwtAssertion.Create(_key, _audience, _time.GetUtcNow().ToUnixTimeSeconds());
        using var timeout = new CancellationTokenSource(_requestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(shutdown, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _tokenUrl)
            {
                Content = new FormUrlEncodedContent(
                [
                    new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    new("assertion", assertion),
                ]),
            };
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                return (null, default, $"{FetchFailed}: status {status}");
            }

            var body = await FcmHttp.ReadCappedAsync(response, FcmHttp.MaxTokenReplyBytes, linked.Token);
            return TryDecode(body, out var token, out var expiresIn)
                ? (token, expiresIn, null)
                : (null, default, FetchFailed);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Every transport, timeout or decode failure maps to the one fixed text.
        catch (Exception)
#pragma warning restore CA1031
        {
            return (null, default, FetchFailed);
        }
    }

    /// <summary>A JSON object with a non-empty string <c>access_token</c>; <c>expires_in</c> seconds (3600 if absent).</summary>
    private static bool TryDecode(ArraySegment<byte> body, out string? token, out TimeSpan expiresIn)
    {
        token = null;
        expiresIn = TimeSpan.FromSeconds(3600);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("access_token", out var at)
                || at.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(at.GetString()))
            {
                return false;
            }

            if (root.TryGetProperty("expires_in", out var ei) && ei.ValueKind != JsonValueKind.Null)
            {
                if (ei.ValueKind != JsonValueKind.Number || !ei.TryGetDouble(out var seconds)
                    || !double.IsFinite(seconds) || seconds < 0 || seconds > 100L * 365 * 24 * 3600)
                {
                    return false;
                }

                expiresIn = TimeSpan.FromSeconds(seconds);
            }

            token = at.GetString();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed record CachedToken(string Token, DateTimeOffset UseUntil);
}
