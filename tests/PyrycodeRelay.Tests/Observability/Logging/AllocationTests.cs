using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>Drop warnings are on the per-frame path: a line must not build strings or buffers per call.</summary>
public class AllocationTests
{
    [Theory]
    [InlineData(RelayLogFormat.Json)]
    [InlineData(RelayLogFormat.Text)]
    public void A_line_allocates_only_the_boxed_state(object formatValue)
    {
        var format = (RelayLogFormat)formatValue;
        using var factory = RelayLogging.CreateFactory(format, Stream.Null, new FakeTimeProvider(LogCapture.Start));
        var logger = factory.CreateLogger("PyrycodeRelay.Forwarding");
        const string err = "relay: phone backlog full";
        for (var i = 0; i < 100; i++)
        {
            RelayLog.BinaryForwarderPhoneEnqueueFailed(logger, "s1", "c1", err); // warm up pools and JIT
        }

        const int lines = 1000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < lines; i++)
        {
            RelayLog.BinaryForwarderPhoneEnqueueFailed(logger, "s1", "c1", err);
        }

        var perLine = (GC.GetAllocatedBytesForCurrentThread() - before) / lines;

        // The generated state struct is boxed once (48 bytes); any per-line string or buffer would exceed the bound.
        Assert.True(perLine <= 64, $"{perLine} bytes allocated per line");
    }
}
