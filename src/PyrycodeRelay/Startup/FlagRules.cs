using System.Globalization;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.GoCompat;
using static PyrycodeRelay.Startup.BootRefusal;

namespace PyrycodeRelay.Startup;

/// <summary>
/// The flag value rules of docs/operations.md#flag-value-rules: <c>--log-format</c> (boot step 3), <c>--max-connections</c>
/// (step 7) and the remaining rules in the order of the docs/operations.md#flags-added-by-this-relay table (step 8). Each refusal is
/// ERROR <c>refusing to start: invalid --&lt;flag&gt;</c> with <c>err</c>, <c>value</c>, <c>fix</c>; exit 2.
/// </summary>
internal static partial class FlagRules
{
    private const string DurationFix = "pass a positive duration such as 30s or 1500ms, or omit the flag for the default";
    private const string CountFix = "pass a positive number, or omit the flag for the default";

    /// <summary>Step 3: <c>--log-format</c> must be exactly <c>text</c> or <c>json</c>.</summary>
    public static BootRefusal? CheckLogFormat(RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var v = options.LogFormat;
        if (v is "text" or "json")
        {
            return null;
        }

        var err = "relay: --log-format must be text or json, got " + GoQuote.Quote(v);
        const string Fix = "pass --log-format=text or --log-format=json, or omit the flag for text";
        return Invalid("log-format", err, v, Fix, l => BootLog.InvalidLogFormat(l, err, v, Fix));
    }

    /// <summary>Step 7: <c>--max-connections</c> must be positive.</summary>
    public static BootRefusal? CheckMaxConnections(RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var v = options.MaxConnections;
        if (v > 0)
        {
            return null;
        }

        var err = $"max-connections {v.ToString(CultureInfo.InvariantCulture)}: relay: connection cap must be positive";
        const string Fix = "pass a positive connection count, or omit the flag for the default";
        return Invalid("max-connections", err, v, Fix, l => BootLog.InvalidMaxConnections(l, err, v, Fix));
    }

    /// <summary>Step 8: the remaining docs/operations.md#flag-value-rules rules in docs/operations.md#flags-added-by-this-relay table order; the first failure is returned.</summary>
    public static BootRefusal? CheckValueRules(RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Duration("grace-period", options.GracePeriod, BootLog.InvalidGracePeriod)
            ?? Duration("heartbeat-interval", options.HeartbeatInterval, BootLog.InvalidHeartbeatInterval)
            ?? Duration("heartbeat-timeout", options.HeartbeatTimeout, BootLog.InvalidHeartbeatTimeout)
            ?? Duration("conflict-probe-timeout", options.ConflictProbeTimeout, BootLog.InvalidConflictProbeTimeout)
            ?? Count("max-message-bytes", options.MaxMessageBytes, BootLog.InvalidMaxMessageBytes)
            ?? Duration("message-read-timeout", options.MessageReadTimeout, BootLog.InvalidMessageReadTimeout)
            ?? Duration("write-timeout", options.WriteTimeout, BootLog.InvalidWriteTimeout)
            ?? Count("phones-per-server", options.PhonesPerServer, BootLog.InvalidPhonesPerServer)
            ?? Count("phone-outbox-bytes", options.PhoneOutboxBytes, BootLog.InvalidPhoneOutboxBytes)
            ?? PhoneOutboxCoversMessage(options)
            ?? Count("outbox-budget-bytes", options.OutboxBudgetBytes, BootLog.InvalidOutboxBudgetBytes)
            ?? OutboxBudgetCoversPhone(options)
            ?? Count("rate-limit-burst", options.RateLimitBurst, BootLog.InvalidRateLimitBurst)
            ?? Duration("rate-limit-refill", options.RateLimitRefill, BootLog.InvalidRateLimitRefill)
            ?? Duration("drain-timeout", options.DrainTimeout, BootLog.InvalidDrainTimeout)
            ?? CheckLogFormat(options)
            ?? TrustedCidrs(options.ProxyProtocolTrustedCidrs)
            ?? AcmeDirectory(options.AcmeDirectory)
            ?? FcmProjectId(options.FcmProjectId)
            ?? FcmUrl("fcm-base-url", options.FcmBaseUrl, BootLog.InvalidFcmBaseUrl)
            ?? (options.FcmTokenUrl.Length > 0 ? FcmUrl("fcm-token-url", options.FcmTokenUrl, BootLog.InvalidFcmTokenUrl) : null)
            ?? CheckSessionRules(options)
            ?? HardeningRules(options)
            ?? CheckClusterRules(options);
    }

    /// <summary>The message of the refusal for <paramref name="flag"/> (name without dashes).</summary>
    public static string MessageFor(string flag) => "refusing to start: invalid --" + flag;

    private static BootRefusal? Duration(string flag, TimeSpan value, Action<ILogger, string, string, string> log)
    {
        if (value > TimeSpan.Zero)
        {
            return null;
        }

        var text = GoDuration.Format(value);
        var err = $"relay: --{flag} must be positive, got {text}";
        return Invalid(flag, err, text, DurationFix, l => log(l, err, text, DurationFix));
    }

    private static BootRefusal? Count(string flag, long value, Action<ILogger, string, long, string> log)
    {
        if (value > 0)
        {
            return null;
        }

        var err = $"relay: --{flag} must be positive, got {value.ToString(CultureInfo.InvariantCulture)}";
        return Invalid(flag, err, value, CountFix, l => log(l, err, value, CountFix));
    }

    private static BootRefusal? PhoneOutboxCoversMessage(RelayOptions o)
    {
        // A frame is charged its pooled array (a power of two at least its length) + 64 (docs/protocol.md#phone-outbox).
        if (o.PhoneOutboxBytes >= (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)o.MaxMessageBytes) + 64)
        {
            return null;
        }

        const string Err = "relay: --phone-outbox-bytes must be at least --max-message-bytes rounded up to a power of two + 64";
        const string Fix = "raise --phone-outbox-bytes or lower --max-message-bytes";
        var v = o.PhoneOutboxBytes;
        return Invalid("phone-outbox-bytes", Err, v, Fix, l => BootLog.InvalidPhoneOutboxBytes(l, Err, v, Fix));
    }

    private static BootRefusal? OutboxBudgetCoversPhone(RelayOptions o)
    {
        if (o.OutboxBudgetBytes >= o.PhoneOutboxBytes)
        {
            return null;
        }

        const string Err = "relay: --outbox-budget-bytes must be at least --phone-outbox-bytes";
        const string Fix = "raise --outbox-budget-bytes or lower --phone-outbox-bytes";
        var v = o.OutboxBudgetBytes;
        return Invalid("outbox-budget-bytes", Err, v, Fix, l => BootLog.InvalidOutboxBudgetBytes(l, Err, v, Fix));
    }

    private static BootRefusal Invalid(string flag, string err, object value, string fix, Action<ILogger> log) =>
        new(MessageFor(flag), 2, [F("err", err), F("value", value), F("fix", fix)], log);
}
