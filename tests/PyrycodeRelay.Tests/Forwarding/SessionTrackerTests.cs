using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Tests.Configuration;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.Forwarding;

/// <summary>The shutdown tracker (docs/protocol.md#graceful-shutdown): every connection is closed once shutdown begins, even a late one.</summary>
public sealed class SessionTrackerTests
{
    private static WsConnection NewConnection()
    {
        var input = new Pipe();
        var output = new Pipe();
        return new WsConnection(input.Reader, output.Writer, () => { }, DefaultOptions.WebSocket with { Time = new FakeTimeProvider() });
    }

    [Fact]
    public void Shutdown_runs_the_action_of_every_tracked_connection_but_not_of_removed_ones()
    {
        var tracker = new SessionTracker();
        var closed = new List<string>();
        var a = NewConnection();
        var b = NewConnection();
        tracker.Add(a, () => closed.Add("a"));
        tracker.Add(b, () => closed.Add("b"));
        tracker.Remove(b);

        Assert.Empty(closed);
        tracker.BeginShutdown();

        Assert.True(tracker.ShuttingDown);
        Assert.Equal(["a"], closed);
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void A_connection_added_after_shutdown_began_is_closed_at_once_and_still_drained()
    {
        var tracker = new SessionTracker();
        tracker.BeginShutdown();
        var closed = 0;

        tracker.Add(NewConnection(), () => closed++);

        Assert.Equal(1, closed);
        Assert.Equal(1, tracker.Count); // the drain still waits for it to end
    }
}
