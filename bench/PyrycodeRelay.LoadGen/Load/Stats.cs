namespace PyrycodeRelay.LoadGen.Load;

/// <summary>Process-wide counters of one worker (updated with interlocked operations).</summary>
internal sealed class Stats
{
    public long Sent;
    public long Received;
    public long Bytes;
    public long OutOfOrder;
    public long Corrupt;
    public long Unexpected;
    public long Disconnects;
    public volatile bool Measuring;
    public volatile bool Closing;
    public readonly Histogram Latency = new();
}
