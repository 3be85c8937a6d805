using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace PyrycodeRelay.AllocProbe;

/// <summary>Samples GC AllocationTick events (about one per 100 KB allocated) by type name.</summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, int> _types = new();
    private volatile bool _on;

    public void Start() => _on = true;

    public void Stop() => _on = false;

    public IEnumerable<KeyValuePair<string, int>> Top(int n) => _types.OrderByDescending(kv => kv.Value).Take(n);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (_on && eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true)
        {
            var index = eventData.PayloadNames?.IndexOf("TypeName") ?? -1;
            if (index >= 0 && eventData.Payload?[index] is string type)
            {
                _types.AddOrUpdate(type, 1, (_, c) => c + 1);
            }
        }
    }
}
