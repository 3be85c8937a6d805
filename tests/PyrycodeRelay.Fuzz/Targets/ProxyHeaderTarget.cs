using System.Buffers;
using System.Net;
using System.Text;
using PyrycodeRelay.Fuzz.Oracles;
using PyrycodeRelay.Limits.ProxyProtocol;

namespace PyrycodeRelay.Fuzz.Targets;

/// <summary>
/// <see cref="ProxyHeaderParser.Parse(in ReadOnlySequence{byte})"/> (docs/operations.md#proxy-protocol) against an independent
/// reading of the PROXY v1/v2 rules, plus the incremental contract: a shorter prefix of an accepted header is
/// "need more", a rejected prefix stays rejected, the verdict does not depend on segment boundaries, and the
/// parser never claims more bytes than it was given.
/// </summary>
internal sealed class ProxyHeaderTarget : IFuzzTarget
{
    public string Name => "proxy";

    public long AllocationBudget(int inputLength) => (1L << 20) + (256L * inputLength);

    public void Run(ReadOnlySpan<byte> data)
    {
        var result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(data.ToArray()));
        var expected = ReferenceProxy.Parse(data);
        InvariantException.Check(result.Status == expected.Status, $"status {result.Status}, reference {expected.Status}");
        if (result.Status == ProxyParseStatus.Complete)
        {
            InvariantException.Check(result.Consumed == expected.Consumed && result.Consumed <= data.Length, $"consumed {result.Consumed}, reference {expected.Consumed}");
            InvariantException.Check(Equals(result.Source, expected.Source) && Equals(result.Destination, expected.Destination), $"addresses {result.Source}/{result.Destination}, reference {expected.Source}/{expected.Destination}");
        }
        else
        {
            InvariantException.Check(result.Consumed == 0 && result.Source is null && result.Destination is null, "non-complete result carries data");
        }

        // Segment boundaries do not matter.
        for (var split = 1; split < Math.Min(data.Length, 40); split += 3)
        {
            var r = ProxyHeaderParser.Parse(Sequences.Split(data, split));
            InvariantException.Check(r == result, $"split at {split}: {r.Status} vs {result.Status}");
        }

        // Incremental: every prefix of a complete header needs more; anything after an invalid prefix is invalid.
        var limit = Math.Min(data.Length, result.Status == ProxyParseStatus.Complete ? result.Consumed : 130);
        for (var k = 0; k < limit; k++)
        {
            var r = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(data[..k].ToArray()));
            if (result.Status == ProxyParseStatus.Complete)
            {
                InvariantException.Check(r.Status == ProxyParseStatus.NeedMore, $"prefix {k} of a complete header is {r.Status}");
            }
            else if (r.Status == ProxyParseStatus.Invalid)
            {
                InvariantException.Check(result.Status == ProxyParseStatus.Invalid, $"prefix {k} invalid but the whole input is {result.Status}");
            }
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        yield return "PROXY TCP4 203.0.113.1 192.0.2.1 56324 443\r\nGET"u8.ToArray();
        yield return "PROXY TCP6 2001:db8::1 ::ffff:192.0.2.1 1 65535\r\n"u8.ToArray();
        yield return "PROXY UNKNOWN\r\n"u8.ToArray();
        yield return "PROXY TCP4 01.2.3.4 1.2.3.4 1 2\r\n"u8.ToArray();
        yield return "PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n"u8.ToArray();
        yield return Encoding.ASCII.GetBytes("PROXY TCP4 1.2.3.4 1.2.3.4 1 2" + new string(' ', 80) + "\r\n");
        byte[] sig = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];
        yield return [.. sig, 0x21, 0x11, 0x00, 0x0C, 203, 0, 113, 1, 192, 0, 2, 1, 0xDC, 0x04, 0x01, 0xBB, 0x16, 0x03];
        yield return [.. sig, 0x21, 0x21, 0x00, 0x27, .. IPAddress.Parse("2001:db8::1").GetAddressBytes(), .. IPAddress.IPv6Loopback.GetAddressBytes(), 0, 1, 0, 2, 0x04, 0x00, 0x00];
        yield return [.. sig, 0x20, 0x00, 0x00, 0x00];
        yield return [.. sig, 0x21, 0x31, 0x00, 0xD8];
        yield return [.. sig, 0x55, 0x01, 0x02];
    }
}
