using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Push;

/// <summary>
/// The push-wake sender used when <c>PYRYCODE_RELAY_FCM_CREDENTIALS</c> is set (docs/operations.md#push-wakes): admits
/// wakes on the binary's reader without blocking, then sends each one to FCM in the background, independent
/// of the binary connection. Shut down with <see cref="ShutdownAsync"/> (or <see cref="DisposeAsync"/>).
/// </summary>
internal sealed partial class PushWakeService : IPushWakeHandler, IAsyncDisposable
{
    /// <summary>Row 6 of docs/operations.md#push-admission.</summary>
    public const string RateLimited = "relay: push_wake rate-limited for server-id";

    /// <summary>Row 7 of docs/operations.md#push-admission.</summary>
    public const string InFlightCapReached = "relay: push_wake in-flight cap reached";

    private readonly ServiceAccountKey _key;
    private readonly PushOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PushMetrics _metrics;
    private readonly PushRateLimiter _limiter;
    private readonly HttpClient _http;
    private readonly AccessTokenSource _tokens;
    private readonly FcmSender _sender;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _stopping;

    /// <summary>Creates the sender; it takes ownership of <paramref name="key"/>.</summary>
    public PushWakeService(ServiceAccountKey key, PushOptions options, IMeterFactory meters, ILoggerFactory logs, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInFlight, 1);
        _key = key;
        _options = options;
        _time = time;
        _logger = logs.CreateLogger<PushWakeService>();
        _metrics = new PushMetrics(meters);
        _limiter = new PushRateLimiter(options.RateLimitBurst, options.RateLimitRefill, options.RateLimitIdle,
            options.RateLimitSweepInterval, time);
        _http = FcmHttp.CreateClient(options.RequestTimeout);
        var tokenUrl = !string.IsNullOrEmpty(options.TokenUrl) ? options.TokenUrl : key.TokenUri ?? PushOptions.DefaultTokenUrl;
        _tokens = new AccessTokenSource(_http, key, tokenUrl, options.RequestTimeout, time);
        _sender = new FcmSender(_http, _tokens, options.BaseUrl, options.ProjectId, options.RequestTimeout, time);
    }

    /// <summary>Sends currently admitted and not yet finished.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Access-token requests made so far.</summary>
    internal int TokenFetches => _tokens.Fetches;

    /// <summary>The per-server-id limiter (for tests).</summary>
    internal PushRateLimiter RateLimiter => _limiter;

    /// <summary>
    /// The handler for the relay: <see cref="PushOff"/> when <paramref name="credentialsJson"/> is null (variable
    /// unset; no metric is registered), else a <see cref="PushWakeService"/>. Throws <see cref="FormatException"/>
    /// with <see cref="ServiceAccountKey.Error"/> (nothing from the value) when the key is unusable; boot's env
    /// validator rejects such a value first.
    /// </summary>
    public static IPushWakeHandler Create(string? credentialsJson, PushOptions options, IMeterFactory meters, ILoggerFactory logs, TimeProvider time)
    {
        if (credentialsJson is null)
        {
            return new PushOff();
        }

        if (!ServiceAccountKey.TryParse(credentialsJson, out var key))
        {
            throw new FormatException(ServiceAccountKey.Error);
        }

        try
        {
            return new PushWakeService(key, options, meters, logs, time);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public string? TryAdmit(string serverId, ReadOnlySpan<byte> pushWakeJson)
    {
        ArgumentNullException.ThrowIfNull(serverId);
        var error = PushWakeRequest.Validate(pushWakeJson, out var token);
        if (error is not null)
        {
            return error;
        }

        if (Volatile.Read(ref _stopping) != 0)
        {
            return PushOff.Error;
        }

        if (!_limiter.TryTake(serverId))
        {
            _metrics.Record(PushOutcome.Dropped);
            return RateLimited;
        }

        if (Interlocked.Increment(ref _inFlight) > _options.MaxInFlight)
        {
            Release();
            _metrics.Record(PushOutcome.Dropped);
            return InFlightCapReached;
        }

        if (Volatile.Read(ref _stopping) != 0)
        {
            Release();
            return PushOff.Error;
        }

        Start(new Wake(serverId, token!, _time.GetTimestamp()));
        return null;
    }

    private sealed record Wake(string ServerId, string Token, long AdmittedAt);
}
