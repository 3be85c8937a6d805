using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class PushSenderRefusalTests
{
    [Fact]
    public void Has_the_step_16_message_and_err()
    {
        const string Err = "relay: fcm credentials are not a service-account JSON key";
        RefusalAssert.Refused(PushSenderRefusal.Create(Err), "refusing to start: cannot build the FCM push sender", ("err", Err));
    }
}
