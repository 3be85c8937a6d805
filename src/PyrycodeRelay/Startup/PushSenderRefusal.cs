using static PyrycodeRelay.Startup.BootRefusal;

namespace PyrycodeRelay.Startup;

/// <summary>Boot step 16 refusal, for the hosting code that builds the push sender.</summary>
internal static class PushSenderRefusal
{
    /// <summary>The refusal message.</summary>
    public const string Message = "refusing to start: cannot build the FCM push sender";

    /// <summary>
    /// The refusal (<c>err</c>; exit 2). <paramref name="err"/> must be a fixed text such as
    /// <c>relay: fcm credentials are not a service-account JSON key</c>, never anything from the credentials.
    /// </summary>
    public static BootRefusal Create(string err)
    {
        ArgumentNullException.ThrowIfNull(err);
        return new BootRefusal(Message, 2, [F("err", err)], l => BootLog.CannotBuildPushSender(l, err));
    }
}
