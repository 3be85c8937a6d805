using PyrycodeRelay.Forwarding;

namespace PyrycodeRelay.Tests.Forwarding;

/// <summary><see cref="SessionIo.Detach"/>: a registry call from a finally block is consumed without being awaited there.</summary>
public sealed class SessionIoDetachTests
{
    [Fact]
    public void A_completed_call_is_consumed_and_its_failure_surfaces()
    {
        SessionIo.Detach(new ValueTask<bool>(true));

        var failed = new ValueTask<bool>(Task.FromException<bool>(new InvalidOperationException("registry broke")));
        Assert.Equal("registry broke", Assert.Throws<InvalidOperationException>(() => SessionIo.Detach(failed)).Message);
    }

    [Fact]
    public async Task A_pending_call_does_not_block_and_completes_in_the_background()
    {
        var pending = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        SessionIo.Detach(new ValueTask<bool>(pending.Task)); // returns at once

        Assert.False(pending.Task.IsCompleted);
        pending.SetResult(true);
        Assert.True(await pending.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
