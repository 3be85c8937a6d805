using System.Text;

namespace PyrycodeRelay.Push;

/// <summary>
/// One FCM v1 send per admitted wake (docs/operations.md#fcm-send): gets an access token, POSTs the fixed
/// high-priority message, and classifies the reply. Never throws; every failure text is fixed or built only
/// from the status code and validated reason codes.
/// </summary>
internal sealed class FcmSender
{
    /// <summary>Prefix of every send failure text.</summary>
    public const string SendFailed = "relay: fcm send failed";

    /// <summary>Failure text of a send cancelled by shutdown.</summary>
    public const string Canceled = "relay: fcm send failed: context canceled";

    /// <summary>Failure text of a send that hit the per-request timeout.</summary>
    public const string TimedOut = "relay: fcm send failed: timeout";

    private static readonly byte[] BodyHead = "{\"message\":{\"token\":\""u8.ToArray();
    private static readonly byte[] BodyTail = "\",\"android\":{\"priority\":\"HIGH\"}}}"u8.ToArray();

    private readonly HttpClient _http;
    private readonly AccessTokenSource _tokens;
    private readonly Uri _sendUrl;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeProvider _time;

    /// <summary>Creates the sender for <c>&lt;baseUrl&gt;/v1/projects/&lt;projectId&gt;/messages:send</c>.</summary>
    public FcmSender(HttpClient http, AccessTokenSource tokens, string baseUrl, string projectId, TimeSpan requestTimeout, TimeProvider time)
    {
        _http = http;
        _tokens = tokens;
        _sendUrl = SendUrl(baseUrl, projectId);
        _requestTimeout = requestTimeout;
        _time = time;
    }

    /// <summary>The send URL; a trailing <c>/</c> on the base is ignored.</summary>
    public static Uri SendUrl(string baseUrl, string projectId)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var trimmed = baseUrl.EndsWith('/') ? baseUrl[..^1] : baseUrl;
        return new Uri($"{trimmed}/v1/projects/{Uri.EscapeDataString(projectId)}/messages:send", UriKind.Absolute);
    }

    /// <summary>The exact request body with the device token JSON-escaped.</summary>
    public static byte[] Body(string deviceToken)
    {
        var escaped = new StringBuilder(deviceToken.Length + 8);
        foreach (var c in deviceToken)
        {
            switch (c)
            {
                case '"': escaped.Append("\\\""); break;
                case '\\': escaped.Append("\\\\"); break;
                case '\n': escaped.Append("\\n"); break;
                case '\r': escaped.Append("\\r"); break;
                case '\t': escaped.Append("\\t"); break;
                case '\b': escaped.Append("\\b"); break;
                case '\f': escaped.Append("\\f"); break;
                case < ' ' or '\u2028' or '\u2029':
                    escaped.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default: escaped.Append(c); break;
            }
        }

        var tokenBytes = Encoding.UTF8.GetBytes(escaped.ToString());
        var body = new byte[BodyHead.Length + tokenBytes.Length + BodyTail.Length];
        BodyHead.CopyTo(body, 0);
        tokenBytes.CopyTo(body, BodyHead.Length);
        BodyTail.CopyTo(body, BodyHead.Length + tokenBytes.Length);
        return body;
    }

    /// <summary>Sends one wake. Cancellation by <paramref name="shutdown"/> ends as <see cref="Canceled"/>.</summary>
    public async Task<WakeResult> SendAsync(string deviceToken, CancellationToken shutdown)
    {
        string? accessToken;
        try
        {
            (accessToken, var tokenError) = await _tokens.GetAsync(shutdown);
            if (accessToken is null)
            {
                return WakeResult.Failed(PushOutcome.TokenFetchFailed, tokenError ?? AccessTokenSource.FetchFailed);
            }
        }
        catch (OperationCanceledException)
        {
            return WakeResult.Failed(PushOutcome.SendFailed, Canceled);
        }

        using var timeout = new CancellationTokenSource(_requestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(shutdown, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _sendUrl)
            {
                Content = new ByteArrayContent(Body(deviceToken)),
            };
            request.Content.Headers.ContentType = FcmHttp.Json;
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and <= 299)
            {
                return WakeResult.Sent(await ReadMessageIdAsync(response, shutdown, linked.Token));
            }

            var body = await FcmHttp.ReadCappedAsync(response, FcmHttp.MaxSendReplyBytes, linked.Token);
            var (reason, code) = FcmReply.Reasons(body);
            var kind = code == FcmReply.Unregistered ? PushOutcome.Unregistered : PushOutcome.SendFailed;
            return WakeResult.Failed(kind, FcmReply.FailureText(status, reason, code));
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            return WakeResult.Failed(PushOutcome.SendFailed, Canceled);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return WakeResult.Failed(PushOutcome.SendFailed, TimedOut);
        }
#pragma warning disable CA1031 // Any transport failure becomes a fixed description; nothing from it is kept.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return WakeResult.Failed(PushOutcome.SendFailed, $"{SendFailed}: {FcmHttp.Describe(e)}");
        }
    }

    /// <summary>FCM accepted the message: a reply that cannot be read only loses the id, unless shutdown cancels.</summary>
    private static async Task<string?> ReadMessageIdAsync(HttpResponseMessage response, CancellationToken shutdown, CancellationToken ct)
    {
        try
        {
            return FcmReply.MessageId(await FcmHttp.ReadCappedAsync(response, FcmHttp.MaxSendReplyBytes, ct));
        }
#pragma warning disable CA1031 // The send already succeeded; a bad or unreadable id never fails it.
        catch (Exception) when (!shutdown.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}
