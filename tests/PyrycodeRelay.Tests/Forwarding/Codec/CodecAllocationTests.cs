using System.Text;
using PyrycodeRelay.Forwarding.Codec;
using static PyrycodeRelay.Tests.Forwarding.Codec.CodecTestData;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

/// <summary>The steady-state hot paths allocate nothing.</summary>
public class CodecAllocationTests
{
    [Fact]
    public void Validate_wrap_parse_and_lookup_do_not_allocate()
    {
        byte[] frame = Utf8(" " + BigFrame() + "\n");
        byte[] id = Utf8(P1);
        byte[] escapedId = Utf8("client-a\"b\\c-0123456789abcdef");
        byte[] serverId = Utf8("s1");
        var envelope = new byte[frame.Length + 200];
        byte[] escapedEnvelope = Utf8("""{"conn\u005fid":"client-a\"b\\c-0123456789abcdef","frame":{"n":[1,2,3]},"close_code":4401}""");
        byte[] wake = Utf8("""{"push_wake":{"platform":"fcm","token":"T"}}""");
        var notice = new byte[200];
        long sink = 0;

        // No xunit assertions inside the measured code: they box and allocate themselves.
        bool Run()
        {
            Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];
            bool ok = PhoneFrameValidator.TryValidate(frame, out ReadOnlySpan<byte> value);
            int written = EnvelopeWriter.WriteFrameEnvelope(id, value, envelope);
            written += EnvelopeWriter.WriteFrameEnvelope(escapedId, value, envelope);
            written += EnvelopeWriter.WriteCloseNotice(escapedId, 1001, notice);

            BinaryEnvelope data = EnvelopeParser.Parse(envelope.AsSpan(0, EnvelopeWriter.WriteFrameEnvelope(id, value, envelope)), scratch);
            ok &= data.Kind == EnvelopeKind.Data;
            ok &= ConnIds.TryParseSuffix(data.ConnId, serverId, out ulong suffix);
            ok &= ConnIds.TryParseSuffix(data.ConnId, "s1", out _);

            BinaryEnvelope directive = EnvelopeParser.Parse(escapedEnvelope, scratch);
            ok &= directive.Kind == EnvelopeKind.CloseDirective && DirectiveCloseCodes.IsValid(directive.CloseCode);
            ok &= directive.ConnId.SequenceEqual("client-a\"b\\c-0123456789abcdef"u8);

            BinaryEnvelope wakeRequest = EnvelopeParser.Parse(wake, scratch);
            ok &= wakeRequest.Kind == EnvelopeKind.WakeRequest;
            sink += written + (long)suffix + data.Frame.Length + wakeRequest.PushWake.Length;
            return ok;
        }

        bool allOk = true;
        for (int i = 0; i < 200; i++)
        {
            allOk &= Run();
        }

        Assert.True(allOk);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            allOk &= Run();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allOk);
        Assert.Equal(0, allocated);
        Assert.NotEqual(0, sink);
    }

    /// <summary>About 4 KiB of varied JSON nested at most 64 deep.</summary>
    private static string BigFrame()
    {
        var sb = new StringBuilder("{\"items\":[");
        for (int i = 0; i < 40; i++)
        {
            sb.Append(i == 0 ? "" : ",")
              .Append("{\"id\":").Append(i).Append(",\"name\":\"item \\u00e9 <&> ").Append(i)
              .Append("\",\"ok\":true,\"v\":[1.5e3,-2,null]}");
        }

        return sb.Append("],\"deep\":").Append(Nested('[', ']', 60)).Append('}').ToString();
    }
}
