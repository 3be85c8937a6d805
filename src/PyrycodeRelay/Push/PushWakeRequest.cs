using System.Text.Json;

namespace PyrycodeRelay.Push;

/// <summary>Validation of a <c>push_wake</c> value, rows 2–4 of docs/operations.md#push-admission.</summary>
internal static class PushWakeRequest
{
    /// <summary>Row 2: not an object, or <c>platform</c>/<c>token</c> not strings.</summary>
    public const string Malformed = "relay: malformed push_wake";

    /// <summary>Row 3: <c>platform</c> not exactly <c>fcm</c> (missing counts).</summary>
    public const string PlatformNotSupported = "relay: push_wake platform not supported";

    /// <summary>Row 4: <c>token</c> missing or empty.</summary>
    public const string TokenEmpty = "relay: push_wake token is empty";

    /// <summary>
    /// Checks rows 2–4 in order. Returns null and the device token when valid, else the refusal text.
    /// Extra fields are ignored; a repeated key counts with its last value; a JSON <c>null</c> for
    /// <c>platform</c> or <c>token</c> counts as missing.
    /// </summary>
    public static string? Validate(ReadOnlySpan<byte> json, out string? token)
    {
        token = null;
        var platformSeen = false;
        var platformIsFcm = false;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Malformed;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPlatform = reader.ValueTextEquals("platform"u8);
                var isToken = !isPlatform && reader.ValueTextEquals("token"u8);
                reader.Read();
                if (!isPlatform && !isToken)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType == JsonTokenType.Null)
                {
                    if (isPlatform)
                    {
                        platformSeen = false;
                        platformIsFcm = false;
                    }
                    else
                    {
                        token = null;
                    }

                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    token = null;
                    return Malformed;
                }

                if (isPlatform)
                {
                    platformSeen = true;
                    platformIsFcm = reader.ValueTextEquals("fcm"u8);
                }
                else
                {
                    token = reader.GetString();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            token = null;
            return Malformed;
        }

        if (!platformSeen || !platformIsFcm)
        {
            token = null;
            return PlatformNotSupported;
        }

        if (string.IsNullOrEmpty(token))
        {
            token = null;
            return TokenEmpty;
        }

        return null;
    }
}
