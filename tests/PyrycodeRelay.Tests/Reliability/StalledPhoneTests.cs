using System.Text.Json;

namespace PyrycodeRelay.Tests.Reliability;

/// <summary>
/// Fault: one phone stops reading while the binary floods it. That phone alone is closed 1011
/// <c>phone backlog full</c> (docs/protocol.md#phone-outbox); the other phones receive everything, in order, and the binary's
/// connection is unaffected.
/// </summary>
public sealed class StalledPhoneTests
{
    [Fact]
    public async Task Stalled_phone_alone_is_closed_backlog_full_while_others_get_every_frame_in_order()
    {
        await using var relay = await TestRelay.StartAsync(o => o with
        {
            MaxMessageBytes = 65536,
            PhoneOutboxBytes = 262144,
        });
        await using var binary = await relay.ConnectHolderAsync();
        var before = relay.Logs.Named("phone_registered").Count;
        using var stalled = await RawWsClient.ConnectAsync(relay.Target, "/v1/client", RawWsClient.PhoneHeaders("s1"), receiveBuffer: 8192);
        var stalledId = (await relay.Logs.WaitForAsync("phone_registered", _ => relay.Logs.Named("phone_registered").Count > before))["conn_id"]!;
        var (pb, pbId) = await relay.ConnectRegisteredPhoneAsync();
        var (pc, pcId) = await relay.ConnectRegisteredPhoneAsync();
        await using var _ = pb;
        await using var __ = pc;

        var readers = new[] { (pb, pbId), (pc, pcId) }.Select(p => Task.Run(async () =>
        {
            var got = new List<int>();
            while (got.Count < 400)
            {
                using var doc = JsonDocument.Parse(await p.Item1.ReceiveTextAsync(TimeSpan.FromSeconds(20)));
                got.Add(doc.RootElement.GetProperty("n").GetInt32());
            }

            return got;
        })).ToArray();

        // 400 rounds: a 16 KiB frame to the stalled phone (6.4 MiB in all, far above its 256 KiB outbox plus the
        // socket buffers) and a small sequence-numbered frame to each reading phone.
        var pad = new string('x', 16 * 1024);
        for (var n = 1; n <= 400; n++)
        {
            await binary.SendTextAsync($"{{\"conn_id\":\"{stalledId}\",\"frame\":{{\"n\":{n},\"pad\":\"{pad}\"}}}}");
            await binary.SendTextAsync($"{{\"conn_id\":\"{pbId}\",\"frame\":{{\"n\":{n}}}}}");
            await binary.SendTextAsync($"{{\"conn_id\":\"{pcId}\",\"frame\":{{\"n\":{n}}}}}");
        }

        foreach (var r in readers)
        {
            Assert.Equal(Enumerable.Range(1, 400), await r.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        // The stalled phone now reads: an unbroken prefix of its frames, then 1011 `phone backlog full`.
        var received = new List<int>();
        var close = await stalled.ReadUntilCloseAsync(TimeSpan.FromSeconds(15), (op, payload) =>
        {
            Assert.Equal(0x1, op);
            using var doc = JsonDocument.Parse(payload);
            received.Add(doc.RootElement.GetProperty("n").GetInt32());
        });
        Assert.Equal((1011, "phone backlog full"), close);
        Assert.Equal(Enumerable.Range(1, received.Count), received);
        Assert.InRange(received.Count, 1, 399);

        // The binary learns of it with a 1001 notice (docs/protocol.md#close-notice: outbox overflow) and keeps working for the others.
        await stalled.SendFrameAsync(0x8, [0x03, 0xE8]);
        Assert.Equal($"{{\"conn_id\":\"{stalledId}\",\"close_code\":1001}}", await binary.ReceiveTextAsync());
        await binary.SendTextAsync($"{{\"conn_id\":\"{pbId}\",\"frame\":{{\"n\":401}}}}");
        Assert.Equal("{\"n\":401}", await pb.ReceiveTextAsync());
        await pb.SendTextAsync("{\"still\":\"here\"}");
        Assert.Equal($"{{\"conn_id\":\"{pbId}\",\"frame\":{{\"still\":\"here\"}}}}", await binary.ReceiveTextAsync());
        await relay.Logs.WaitForAsync("phone_unregistered"); // logged when the stalled phone's session ends, which may come after the notice
        Assert.Single(relay.Logs.Named("phone_unregistered"));
    }
}
