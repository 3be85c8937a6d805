using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PyrycodeRelay.Tls.Acme;

/// <summary>
/// A minimal RFC 8555 client: directory, nonces (with <c>badNonce</c> retry using the nonce of the error
/// response), JWS-signed POSTs and POST-as-GET. The protocol steps are in the partial files. Not thread-safe:
/// one issuance at a time.
/// </summary>
internal sealed partial class AcmeClient
{
    private const string BadNonce = "urn:ietf:params:acme:error:badNonce";
    private readonly HttpClient _http;
    private readonly Uri _directoryUrl;
    private readonly ECDsa _accountKey;
    private readonly AcmeClientOptions _options;
    private readonly TimeProvider _time;
    private AcmeDirectory? _directory;
    private string? _nonce;

    /// <summary>Creates a client for the directory at <paramref name="directoryUrl"/> with the given account key.</summary>
    public AcmeClient(HttpClient http, Uri directoryUrl, ECDsa accountKey, AcmeClientOptions options, TimeProvider time)
    {
        _http = http;
        _directoryUrl = directoryUrl;
        _accountKey = accountKey;
        _options = options;
        _time = time;
    }

    /// <summary>The account URL (JWS <c>kid</c>) once <see cref="NewAccountAsync"/> succeeded.</summary>
    public string? AccountUrl { get; private set; }

    /// <summary>How many <c>badNonce</c> rejections were retried so far (for tests and diagnostics).</summary>
    public int BadNonceRetries { get; private set; }

    /// <summary>How many orders this client created.</summary>
    public int OrdersCreated { get; private set; }

    /// <summary>The account key's http-01 key authorization for <paramref name="token"/>.</summary>
    public string KeyAuthorization(string token) => AcmeJwk.KeyAuthorization(token, _accountKey);

    /// <summary>Fetches (once) and returns the directory.</summary>
    public async Task<AcmeDirectory> GetDirectoryAsync(CancellationToken ct)
    {
        if (_directory is not null)
        {
            return _directory;
        }

        using var response = await _http.GetAsync(_directoryUrl, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new AcmeException($"acme: fetching directory {_directoryUrl}: HTTP {(int)response.StatusCode}")
            {
                HttpStatus = (int)response.StatusCode,
            };
        }

        var directory = Parse(body, AcmeJsonContext.Default.AcmeDirectory, "directory");
        if (directory.NewNonce is null || directory.NewAccount is null || directory.NewOrder is null)
        {
            throw new AcmeException("acme: directory lacks newNonce, newAccount or newOrder");
        }

        return _directory = directory;
    }

    /// <summary>Gets a fresh nonce from <c>newNonce</c> (HEAD).</summary>
    public async Task<string> NewNonceAsync(CancellationToken ct)
    {
        var directory = await GetDirectoryAsync(ct);
        using var request = new HttpRequestMessage(HttpMethod.Head, directory.NewNonce);
        using var response = await _http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode || ReplayNonce(response) is not { } nonce)
        {
            throw new AcmeException($"acme: newNonce returned HTTP {(int)response.StatusCode} without a Replay-Nonce");
        }

        return nonce;
    }

    /// <summary>
    /// Sends a JWS-signed POST. <paramref name="payload"/> null means POST-as-GET. The account <c>kid</c> is
    /// used once known unless <paramref name="useJwk"/>. A <c>badNonce</c> problem is retried with the nonce
    /// from the error response (RFC 8555 §6.5), up to <see cref="AcmeClientOptions.MaxBadNonceRetries"/> times.
    /// Any other non-2xx response throws <see cref="AcmeException"/>.
    /// </summary>
    public async Task<AcmeResponse> PostAsync(Uri url, byte[]? payload, bool useJwk, string? accept, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var nonce = _nonce ?? await NewNonceAsync(ct);
            _nonce = null;
            var kid = useJwk ? null : AccountUrl ?? throw new AcmeException("acme: no account yet");
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new ByteArrayContent(AcmeJws.Sign(_accountKey, url, nonce, kid, payload)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/jose+json");
            if (accept is not null)
            {
                request.Headers.Accept.ParseAdd(accept);
            }

            using var response = await _http.SendAsync(request, ct);
            _nonce = ReplayNonce(response);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            var result = new AcmeResponse(response.StatusCode, response.Headers.Location is { } l ? new Uri(url, l) : null,
                response.Headers.RetryAfter, response.Content.Headers.ContentType?.MediaType, body);
            if (response.IsSuccessStatusCode)
            {
                return result;
            }

            var problem = TryParseProblem(body);
            if (problem?.Type == BadNonce && attempt < _options.MaxBadNonceRetries)
            {
                BadNonceRetries++;
                continue;
            }

            throw ProblemException(problem, (int)response.StatusCode, url);
        }
    }

    private static string? ReplayNonce(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Replay-Nonce", out var values) ? values.FirstOrDefault() : null;

    private static AcmeProblem? TryParseProblem(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, AcmeJsonContext.Default.AcmeProblem);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static AcmeException ProblemException(AcmeProblem? problem, int status, Uri url) =>
        new(problem?.Type is null
            ? $"acme: {url.AbsolutePath}: HTTP {status}"
            : $"acme: {problem.Type}: {problem.Detail} (HTTP {status})")
        {
            ProblemType = problem?.Type,
            HttpStatus = status,
        };

    private static T Parse<T>(byte[] body, JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new AcmeException($"acme: empty {what}");
        }
        catch (JsonException e)
        {
            throw new AcmeException($"acme: malformed {what}: {e.Message}", e);
        }
    }
}
