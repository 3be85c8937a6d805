using BenchmarkDotNet.Attributes;
using PyrycodeRelay.Forwarding.Codec;

namespace PyrycodeRelay.Benchmarks;

/// <summary>conn_id helpers (docs/protocol.md#identifiers).</summary>
[MemoryDiagnoser]
public class ConnIdBenchmarks
{
    private const string ServerId = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    private byte[] _connId = [];
    private byte[] _serverId = [];

    /// <summary>Builds the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _connId = System.Text.Encoding.UTF8.GetBytes(ConnIds.Format(ServerId, 0xfedcba9876543210UL));
        _serverId = System.Text.Encoding.UTF8.GetBytes(ServerId);
    }

    /// <summary>Parse with the server-id as UTF-8 bytes.</summary>
    [Benchmark]
    public ulong ParseSuffixBytes() => ConnIds.TryParseSuffix(_connId, _serverId, out ulong key) ? key : 0;

    /// <summary>Parse with the server-id as a string.</summary>
    [Benchmark]
    public ulong ParseSuffixString() => ConnIds.TryParseSuffix(_connId, ServerId, out ulong key) ? key : 0;

    /// <summary>Draw 64 CSPRNG bits (allocation-free).</summary>
    [Benchmark]
    public ulong NewSuffix() => ConnIds.NewSuffix();
}
