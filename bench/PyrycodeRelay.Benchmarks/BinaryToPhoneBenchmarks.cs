using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PyrycodeRelay.Forwarding.Codec;

namespace PyrycodeRelay.Benchmarks;

/// <summary>Binary → phone hot path: parse and classify an envelope, then find the phone key (docs/protocol.md#binary-to-phone).</summary>
[MemoryDiagnoser]
public class BinaryToPhoneBenchmarks
{
    private const string ServerId = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    private byte[] _envelope = [];
    private byte[] _directive = [];
    private byte[] _serverId = [];

    /// <summary>Size in bytes of the frame inside the envelope.</summary>
    [Params(64, 4096)]
    public int Size { get; set; }

    /// <summary>Frame content: <c>encrypted</c> (one long base64 string) or <c>structured</c> (many tokens).</summary>
    [Params("encrypted", "structured")]
    public string Shape { get; set; } = "encrypted";

    /// <summary>Builds the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        byte[] frame = Shape == "encrypted" ? SampleFrames.Encrypted(Size) : SampleFrames.Structured(Size);
        byte[] connId = System.Text.Encoding.UTF8.GetBytes(ConnIds.Format(ServerId, 0x0123456789abcdefUL));
        _envelope = new byte[EnvelopeWriter.GetFrameEnvelopeLength(connId, frame.Length)];
        EnvelopeWriter.WriteFrameEnvelope(connId, frame, _envelope);
        _directive = [.. _envelope.AsSpan(0, _envelope.Length - 1), .. ",\"close_code\":4401}"u8];
        _serverId = System.Text.Encoding.UTF8.GetBytes(ServerId);
    }

    /// <summary>Reference point: one bare <see cref="Utf8JsonReader"/> pass over the envelope.</summary>
    [Benchmark(Baseline = true)]
    public int ReaderOnly()
    {
        var reader = new Utf8JsonReader(_envelope);
        while (reader.Read())
        {
        }

        return (int)reader.BytesConsumed;
    }

    /// <summary>Parse and classify a data envelope.</summary>
    [Benchmark]
    public int Classify()
    {
        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];
        BinaryEnvelope e = EnvelopeParser.Parse(_envelope, scratch);
        return (int)e.Kind + e.Frame.Length;
    }

    /// <summary>Parse and classify a data envelope, then turn its conn_id into the registry key.</summary>
    [Benchmark]
    public ulong ClassifyAndLookup()
    {
        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];
        BinaryEnvelope e = EnvelopeParser.Parse(_envelope, scratch);
        return ConnIds.TryParseSuffix(e.ConnId, _serverId, out ulong key) ? key + (ulong)e.Frame.Length : 0;
    }

    /// <summary>Parse and classify a close directive with a final frame, then resolve its code.</summary>
    [Benchmark]
    public int ClassifyDirective()
    {
        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];
        BinaryEnvelope e = EnvelopeParser.Parse(_directive, scratch);
        return DirectiveCloseCodes.Resolve(e.CloseCode) + e.Frame.Length;
    }
}
