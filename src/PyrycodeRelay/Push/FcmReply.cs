using System.Text.Json;

namespace PyrycodeRelay.Push;

/// <summary>Reading FCM v1 replies (docs/operations.md#fcm-send) without ever keeping reply text beyond the fixed checks.</summary>
internal static class FcmReply
{
    /// <summary>The <c>@type</c> of the FCM error detail.</summary>
    public const string FcmErrorType = "type.googleapis.com/google.firebase.fcm.v1.FcmError";

    /// <summary>The error code that marks a dead registration token.</summary>
    public const string Unregistered = "UNREGISTERED";

    /// <summary>The reply's <c>name</c> if it is 1–256 characters of <c>[A-Za-z0-9/:%_-]</c>, else null.</summary>
    public static string? MessageId(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("name", out var name)
                || name.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var id = name.GetString();
            return id is not null && IsValidMessageId(id) ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The reasons of a failed reply: <c>error.status</c> and the <c>errorCode</c> of the first FcmError detail,
    /// each only if it matches <c>[A-Z0-9_]{1,64}</c>. A body that does not parse gives none.
    /// </summary>
    public static (string? Status, string? ErrorCode) Reasons(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("error", out var error)
                || error.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            string? status = null;
            if (error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String)
            {
                status = Keep(s.GetString());
            }

            string? code = null;
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var detail in details.EnumerateArray())
                {
                    if (detail.ValueKind == JsonValueKind.Object
                        && detail.TryGetProperty("@type", out var type)
                        && type.ValueKind == JsonValueKind.String
                        && type.ValueEquals(FcmErrorType))
                    {
                        if (detail.TryGetProperty("errorCode", out var c) && c.ValueKind == JsonValueKind.String)
                        {
                            code = Keep(c.GetString());
                        }

                        break;
                    }
                }
            }

            return (status, code);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>The failure text: <c>relay: fcm send failed: status N</c> plus <c> (REASONS)</c> when any.</summary>
    public static string FailureText(int status, string? reasonStatus, string? errorCode)
    {
        var head = $"{FcmSender.SendFailed}: status {status}";
        return (reasonStatus, errorCode) switch
        {
            (null, null) => head,
            (not null, null) => $"{head} ({reasonStatus})",
            (null, not null) => $"{head} ({errorCode})",
            _ => $"{head} ({reasonStatus}, {errorCode})",
        };
    }

    private static string? Keep(string? value)
    {
        if (value is null || value.Length is < 1 or > 64)
        {
            return null;
        }

        foreach (var c in value)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
            {
                return null;
            }
        }

        return value;
    }

    private static bool IsValidMessageId(string id)
    {
        if (id.Length is < 1 or > 256)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '/' or ':' or '%' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
