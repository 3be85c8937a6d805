using System.Text;
using PyrycodeRelay.Forwarding.Codec;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

/// <summary>A heap copy of a <see cref="BinaryEnvelope"/> for assertions (null = empty span).</summary>
internal sealed record ParsedEnvelope(
    EnvelopeKind Kind,
    string? ConnId,
    bool ConnIdMatchable,
    string? ConnIdJson,
    string? Frame,
    int CloseCode,
    string? PushWake,
    string? Error)
{
    public static ParsedEnvelope Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    public static ParsedEnvelope Parse(byte[] message)
    {
        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];
        BinaryEnvelope e = EnvelopeParser.Parse(message, scratch);
        return new ParsedEnvelope(e.Kind, Str(e.ConnId), e.ConnIdMatchable, Str(e.ConnIdJson), Str(e.Frame), e.CloseCode, Str(e.PushWake), e.Error);
    }

    private static string? Str(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? null : Encoding.UTF8.GetString(bytes);
}
