using PyrycodeRelay.Forwarding;

namespace PyrycodeRelay.Tests.Forwarding;

/// <summary>The per-phone outbox: FIFO order, byte budgets and overflow (docs/protocol.md#phone-outbox).</summary>
public sealed class PhoneOutboxTests
{
    private const int Overhead = OutboxItem.Overhead;

    private static byte[] Frame(int length, byte fill) => Enumerable.Repeat(fill, length).ToArray();

    [Fact]
    public void Items_come_out_in_order_with_their_bytes_and_the_first_enqueue_starts_the_drainer()
    {
        var relay = new OutboxBudget(1 << 20);
        var outbox = new PhoneOutbox(1 << 16, relay);

        Assert.Equal(EnqueueStatus.Queued, outbox.TryEnqueue(Frame(16, 1), true, 0, 0, out var start1, out _));
        Assert.Equal(EnqueueStatus.Queued, outbox.TryEnqueue(Frame(32, 2), true, 0, 0, out var start2, out _));
        Assert.Equal(EnqueueStatus.Queued, outbox.TryEnqueue(default, false, 4000, 0, out var start3, out _));

        Assert.True(start1);
        Assert.False(start2);
        Assert.False(start3);
        Assert.Equal(16 + 32 + (3 * Overhead), outbox.Charged);
        Assert.Equal(outbox.Charged, relay.Charged);

        Assert.True(outbox.TryDequeue(out var a));
        Assert.Equal(Frame(16, 1), a.Buffer.AsSpan(0, a.Length).ToArray());
        outbox.Complete(a);
        Assert.True(outbox.TryDequeue(out var b));
        Assert.Equal(Frame(32, 2), b.Buffer.AsSpan(0, b.Length).ToArray());
        outbox.Complete(b);
        Assert.True(outbox.TryDequeue(out var c));
        Assert.True(c.IsDirective);
        Assert.False(c.HasFrame);
        Assert.Equal(4000, c.CloseCode);
        outbox.Complete(c);
        Assert.False(outbox.TryDequeue(out _));
        Assert.Equal(0, outbox.Charged);
        Assert.Equal(0, relay.Charged);
    }

    [Fact]
    public void After_the_queue_empties_the_next_enqueue_starts_a_new_drainer()
    {
        var outbox = new PhoneOutbox(1 << 16, new OutboxBudget(1 << 20));
        outbox.TryEnqueue(Frame(5, 1), true, 0, 0, out _, out _);
        Assert.True(outbox.TryDequeue(out var item));
        outbox.Complete(item);
        Assert.False(outbox.TryDequeue(out _));

        outbox.TryEnqueue(Frame(5, 1), true, 0, 0, out var start, out _);

        Assert.True(start);
    }

    [Fact]
    public void An_item_being_written_stays_charged_until_it_completes()
    {
        var outbox = new PhoneOutbox(2 * (128 + Overhead), new OutboxBudget(1 << 20));
        outbox.TryEnqueue(Frame(128, 1), true, 0, 0, out _, out _);
        outbox.TryDequeue(out var writing);

        Assert.Equal(EnqueueStatus.Queued, outbox.TryEnqueue(Frame(128, 2), true, 0, 0, out _, out _));
        Assert.Equal(EnqueueStatus.PhoneBacklogFull, outbox.TryEnqueue(Frame(1, 3), true, 0, 0, out _, out var dropped));
        Assert.Equal(1, dropped); // the pending frame is dropped; the one being written is not
        outbox.Complete(writing);
        Assert.Equal(0, outbox.Charged);
    }

    [Fact]
    public void Phone_budget_overflow_drops_everything_pending_and_refuses_what_follows()
    {
        var relay = new OutboxBudget(1 << 20);
        var outbox = new PhoneOutbox(3 * (16 + Overhead), relay);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(EnqueueStatus.Queued, outbox.TryEnqueue(Frame(16, 1), true, 0, 0, out _, out _));
        }

        Assert.Equal(EnqueueStatus.PhoneBacklogFull, outbox.TryEnqueue(Frame(16, 1), true, 0, 0, out _, out var dropped));

        Assert.Equal(3, dropped);
        Assert.Equal(0, outbox.Charged);
        Assert.Equal(0, relay.Charged);
        Assert.False(outbox.TryDequeue(out _));
        Assert.Equal(EnqueueStatus.Closed, outbox.TryEnqueue(Frame(1, 1), true, 0, 0, out _, out _));
    }

    [Fact]
    public void Relay_wide_budget_is_shared_between_phones()
    {
        var relay = new OutboxBudget(2 * (128 + Overhead));
        var first = new PhoneOutbox(1 << 20, relay);
        var second = new PhoneOutbox(1 << 20, relay);
        first.TryEnqueue(Frame(128, 1), true, 0, 0, out _, out _);
        second.TryEnqueue(Frame(128, 1), true, 0, 0, out _, out _);

        Assert.Equal(EnqueueStatus.RelayBudgetExhausted, second.TryEnqueue(Frame(1, 1), true, 0, 0, out _, out var dropped));

        Assert.Equal(1, dropped);
        Assert.Equal(128 + Overhead, relay.Charged); // the first phone keeps its charge
        Assert.Equal(EnqueueStatus.Queued, first.TryEnqueue(Frame(0, 1), true, 0, 0, out _, out _)); // the freed room is usable
    }

    [Fact]
    public void Nothing_is_accepted_after_a_close_directive_or_a_discard()
    {
        var outbox = new PhoneOutbox(1 << 16, new OutboxBudget(1 << 20));
        outbox.TryEnqueue(Frame(3, 1), true, 4001, 0, out _, out _);
        Assert.Equal(EnqueueStatus.Closed, outbox.TryEnqueue(Frame(3, 1), true, 0, 0, out _, out _));

        var other = new PhoneOutbox(1 << 16, new OutboxBudget(1 << 20));
        other.TryEnqueue(Frame(3, 1), true, 0, 0, out _, out _);
        other.TryEnqueue(Frame(3, 1), true, 0, 0, out _, out _);
        Assert.Equal(2, other.Discard());
        Assert.Equal(0, other.Charged);
        Assert.Equal(EnqueueStatus.Closed, other.TryEnqueue(Frame(3, 1), true, 0, 0, out _, out _));
    }

    [Fact]
    public void An_item_is_charged_the_pooled_array_it_holds_not_just_its_length()
    {
        // Issue 13 finding 10: a 129-byte frame occupies a 256-byte pooled array.
        var relay = new OutboxBudget(1 << 20);
        var outbox = new PhoneOutbox(1 << 16, relay);
        outbox.TryEnqueue(Frame(129, 1), true, 0, 0, out _, out _);
        Assert.True(outbox.TryDequeue(out var item));
        Assert.Equal(256 + Overhead, outbox.Charged);
        Assert.Equal(item.Buffer!.Length + Overhead, item.Cost);
        Assert.Equal(outbox.Charged, relay.Charged);
        outbox.Complete(item);
        Assert.Equal(0, relay.Charged);
    }
}
