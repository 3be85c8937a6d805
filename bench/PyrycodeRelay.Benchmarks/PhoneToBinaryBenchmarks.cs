using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PyrycodeRelay.Forwarding.Codec;

namespace PyrycodeRelay.Benchmarks;

/// <summary>Phone → binary hot path: validate a phone frame, then wrap it in the data envelope (docs/protocol.md#phone-to-binary).</summary>
[MemoryDiagnoser]
public class PhoneToBinaryBenchmarks
{
    private byte[] _payload = [];
    private byte[] _connId = [];
    private byte[] _framePrefix = [];
    private byte[] _destination = [];

    /// <summary>Frame size in bytes.</summary>
    [Params(64, 4096)]
    public int Size { get; set; }

    /// <summary>Frame content: <c>encrypted</c> (one long base64 string) or <c>structured</c> (many tokens).</summary>
    [Params("encrypted", "structured")]
    public string Shape { get; set; } = "encrypted";

    /// <summary>Builds the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _payload = Shape == "encrypted" ? SampleFrames.Encrypted(Size) : SampleFrames.Structured(Size);
        _connId = "client-3f2504e0-4f89-11d3-9a0c-0305e82c3301-0123456789abcdef"u8.ToArray();
        _framePrefix = EnvelopeWriter.CreateFramePrefix(_connId);
        _destination = new byte[EnvelopeWriter.GetFrameEnvelopeLength(_connId, _payload.Length)];
    }

    /// <summary>Reference point: one bare <see cref="Utf8JsonReader"/> pass over the frame (no UTF-8 check, no trimming).</summary>
    [Benchmark(Baseline = true)]
    public int ReaderOnly()
    {
        var reader = new Utf8JsonReader(_payload);
        while (reader.Read())
        {
        }

        return (int)reader.BytesConsumed;
    }

    /// <summary>Validation only.</summary>
    [Benchmark]
    public int Validate() => PhoneFrameValidator.TryValidate(_payload, out int start, out int length) ? start + length : -1;

    /// <summary>Validation, then the whole envelope written from the conn_id.</summary>
    [Benchmark]
    public int ValidateAndWrap()
    {
        if (!PhoneFrameValidator.TryValidate(_payload, out ReadOnlySpan<byte> value))
        {
            return -1;
        }

        return EnvelopeWriter.WriteFrameEnvelope(_connId, value, _destination);
    }

    /// <summary>Validation, then the splice with a per-phone precomputed prefix.</summary>
    [Benchmark]
    public int ValidateAndSplice()
    {
        if (!PhoneFrameValidator.TryValidate(_payload, out ReadOnlySpan<byte> value))
        {
            return -1;
        }

        Span<byte> destination = _destination;
        _framePrefix.CopyTo(destination);
        value.CopyTo(destination[_framePrefix.Length..]);
        EnvelopeWriter.FrameSuffix.CopyTo(destination[(_framePrefix.Length + value.Length)..]);
        return _framePrefix.Length + value.Length + 1;
    }
}
