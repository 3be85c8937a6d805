using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>Scenarios H (68–74) and docs/protocol.md#binary-to-phone: envelope classification, routing, close directives.</summary>
public class BinaryToPhoneTests : RelayScenario
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Scenario68_UnknownConnId_DroppedWithWarn_BinaryStays()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p1;
        await b.SendTextAsync("{\"conn_id\":\"client-s1-00000000deadbeef\",\"frame\":{\"lost\":1}}");
        await b.SendTextAsync(Envelopes.Data(c1, "{\"ok\":1}"));
        Assert.Equal("{\"ok\":1}", await p1.ReceiveTextAsync());
        var warn = await relay.Logs.WaitForAsync("binary_forwarder_unknown_conn_id");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warn.Level);
        Assert.Equal(("s1", "client-s1-00000000deadbeef"), (warn["server_id"], warn["conn_id"]));
        await p1.AssertSilentAsync(Silence);
        await b.AssertSilentAsync(TimeSpan.FromMilliseconds(1));
        await Health.WaitForAsync(relay, 1, 1);
    }

    [Fact]
    public async Task Scenario69_BadEnvelopes_DroppedWithUnmarshalWarn_ValidOnesDelivered()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p1;
        (string Bad, string Err)[] cases =
        [
            ("not-json", "relay: malformed envelope"),
            ("{\"conn_id\":\"c-1\"", "relay: malformed envelope"),
            ("[]", "relay: malformed envelope"),
            ("{\"frame\":{}}", "relay: envelope missing conn_id"),
            ("{\"conn_id\":\"\",\"frame\":{}}", "relay: envelope missing conn_id"),
            ("{\"conn_id\":null,\"frame\":{}}", "relay: envelope missing conn_id"),
            ($"{{\"conn_id\":\"{c1}\"}}", "relay: envelope missing frame"),
            ($"{{\"conn_id\":\"{c1}\",\"frame\":null}}", "relay: envelope missing frame"),
            ("{\"frame\":null,\"close_code\":4401}", "relay: envelope missing conn_id"),
            ($"{{\"conn_id\":\"{c1}\",\"frame\":{{}},\"close_code\":\"4401\"}}", "relay: malformed envelope"),
        ];
        for (var i = 0; i < cases.Length; i++)
        {
            await b.SendTextAsync(cases[i].Bad);
            await b.SendTextAsync(Envelopes.Data(c1, $"{{\"n\":{i}}}"));
        }

        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Equal($"{{\"n\":{i}}}", await p1.ReceiveTextAsync());
        }

        await p1.AssertSilentAsync(Silence);
        var warns = relay.Logs.Named("binary_forwarder_unmarshal_err");
        Assert.Equal(cases.Select(c => c.Err), warns.Select(w => w["err"]));
        Assert.All(warns, w => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, w.Level));
        Assert.All(warns, w => Assert.Matches("^server-s1-[0-9a-f]{8}$", w["binary_conn_id"]));
        await b.AssertSilentAsync(TimeSpan.FromMilliseconds(1));
        await Health.WaitForAsync(relay, 1, 1);
    }

    [Theory]
    [InlineData("{\"conn_id\":5,\"frame\":{}}")]
    [InlineData("{\"conn_id\":{},\"frame\":{}}")]
    [InlineData("{\"conn_id\":\"@\",\"frame\":{},\"close_code\":-1}")]
    [InlineData("{\"conn_id\":\"@\",\"frame\":{},\"close_code\":1.5}")]
    [InlineData("{\"conn_id\":\"@\",\"frame\":{},\"close_code\":4e3}")]
    [InlineData("{\"conn_id\":\"@\",\"frame\":{},\"close_code\":65536}")]
    [InlineData("{\"conn_id\":\"@\",\"frame\":{},\"close_code\":true}")]
    [InlineData("{\"conn_id\":\"@\",\"frame\":{}} x")]
    [InlineData("\"just a string\"")]
    public async Task WrongTypesAndNonObjects_Malformed_PhoneUnaffected(string bad)
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p1;
        await b.SendTextAsync(bad.Replace("@", c1, StringComparison.Ordinal));
        await b.SendTextAsync(Envelopes.Data(c1, "\"after\""));
        Assert.Equal("\"after\"", await p1.ReceiveTextAsync());
        Assert.Equal("relay: malformed envelope", (await relay.Logs.WaitForAsync("binary_forwarder_unmarshal_err"))["err"]);
        await p1.AssertSilentAsync(Silence);
    }

    [Fact]
    public async Task EnvelopeFields_ZeroOrNullCloseCodeIsData_LastDuplicateWins_UnknownKeysIgnored_ExactBytes()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p1;
        await b.SendTextAsync($"{{\"conn_id\":\"{c1}\",\"frame\":1,\"close_code\":0}}");
        await b.SendTextAsync($"{{\"conn_id\":\"{c1}\",\"frame\":2,\"close_code\":null}}");
        await b.SendTextAsync($"{{\"conn_id\":\"bogus\",\"frame\":\"x\",\"conn_id\":\"{c1}\",\"frame\":3}}");
        await b.SendTextAsync($"{{\"extra\":[1,{{\"conn_id\":\"no\"}}],\"conn_id\":\"{c1}\",\"Frame\":9,\"frame\":4}}");
        await b.SendTextAsync($"{{\"conn_id\":\"{c1}\",\"push_wake\":{{\"platform\":\"fcm\",\"token\":\"T\"}},\"frame\":5}}");
        await b.SendTextAsync($"{{ \"conn_id\" : \"{c1}\" , \"frame\" :  {{ \"a\" : [ 1 ,2 ], \"s\":\"\\u00e9\\n\\/\" }}  }}");
        Assert.Equal("1", await p1.ReceiveTextAsync());
        Assert.Equal("2", await p1.ReceiveTextAsync());
        Assert.Equal("3", await p1.ReceiveTextAsync());
        Assert.Equal("4", await p1.ReceiveTextAsync());
        Assert.Equal("5", await p1.ReceiveTextAsync());
        Assert.Equal("{ \"a\" : [ 1 ,2 ], \"s\":\"\\u00e9\\n\\/\" }", await p1.ReceiveTextAsync());
        await p1.AssertSilentAsync(Silence);
        Assert.Empty(relay.Logs.Named("binary_forwarder_unmarshal_err"));
        Assert.Empty(relay.Logs.Named("binary_forwarder_push_wake_dropped"));
        Assert.Empty(relay.Logs.Named("binary_forwarder_unknown_conn_id"));
    }

    [Fact]
    public async Task PushWakeWithoutConnId_PushOff_DroppedWithWarn_NothingForwardedOrSentBack()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p1;
        await b.SendTextAsync("{\"push_wake\":{\"platform\":\"fcm\",\"token\":\"DEVTOKEN\"},\"frame\":{\"ignored\":1}}");
        await b.SendTextAsync(Envelopes.Data(c1, "7"));
        Assert.Equal("7", await p1.ReceiveTextAsync());
        var dropped = await relay.Logs.WaitForAsync("binary_forwarder_push_wake_dropped");
        Assert.Equal("relay: push is off", dropped["err"]);
        Assert.Empty(relay.Logs.Named("binary_forwarder_unmarshal_err"));
        await b.AssertSilentAsync(Silence);
        Assert.DoesNotContain(relay.Logs.Entries, e => e.ToString().Contains("DEVTOKEN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnIdOfAnotherServerId_NeverFound()
    {
        await using var relay = await StartRelayAsync();
        await using var b1 = await relay.ConnectHolderAsync("s1", read: true);
        await using var b2 = await relay.ConnectHolderAsync("s2", read: true);
        var (q, cq) = await relay.ConnectRegisteredPhoneAsync("s2", read: true);
        await using var _q = q;
        await b1.SendTextAsync(Envelopes.Data(cq, "{\"cross\":1}"));
        var warn = await relay.Logs.WaitForAsync("binary_forwarder_unknown_conn_id");
        Assert.Equal(("s1", cq), (warn["server_id"], warn["conn_id"]));
        await q.AssertSilentAsync(Silence);
    }

    [Fact]
    public async Task Scenario70_CloseDirectives_EmptyReason_OtherPhonesUnaffected_NoNotice()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync(read: true);
        var (p2, c2) = await relay.ConnectRegisteredPhoneAsync(read: true);
        var (p3, c3) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _1 = p1;
        await using var _2 = p2;
        await using var _3 = p3;
        await b.SendTextAsync($"{{\"conn_id\":\"{c1}\",\"frame\":null,\"close_code\":4401}}");
        await b.SendTextAsync(Envelopes.Data(c2, "{\"for\":\"p2\"}"));
        await b.SendTextAsync($"{{\"conn_id\":\"{c3}\",\"close_code\":4426}}");

        Assert.Equal((4401, ""), await p1.ReceiveCloseAsync());
        Assert.Equal("{\"for\":\"p2\"}", await p2.ReceiveTextAsync());
        Assert.Equal((4426, ""), await p3.ReceiveCloseAsync());
        var closed1 = await relay.Logs.WaitForAsync("binary_forwarder_phone_closed", e => e["conn_id"] == c1);
        Assert.Equal("4401", closed1["close_code"]);
        Assert.Equal("4426", (await relay.Logs.WaitForAsync("binary_forwarder_phone_closed", e => e["conn_id"] == c3))["close_code"]);
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == c1);
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == c3);
        await b.AssertSilentAsync(Silence);
        await p2.AssertSilentAsync(TimeSpan.FromMilliseconds(1));
        await Health.WaitForAsync(relay, 1, 1);
    }

    [Fact]
    public async Task Scenario71_DirectiveWithFrame_FrameThenClose()
    {
        await using var relay = await StartRelayAsync();
        using var metrics = new RelayMetricsProbe(relay);
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p1;
        await b.SendTextAsync($"{{\"conn_id\":\"{c1}\",\"frame\":{{\"type\":\"error\",\"payload\":{{\"code\":\"unauthorized\"}}}},\"close_code\":4401}}");
        Assert.Equal("{\"type\":\"error\",\"payload\":{\"code\":\"unauthorized\"}}", await p1.ReceiveTextAsync());
        Assert.Equal((4401, ""), await p1.ReceiveCloseAsync());
        await metrics.WaitForCounterAsync("pyrycode_relay_frames_forwarded_total", 1, ("direction", "binary_to_phone"));
        await b.AssertSilentAsync(Silence);
    }

    [Fact]
    public async Task Scenario72_FrameThenDirectiveWithFrame_InOrder()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await b.SendTextAsync($"{{\"conn_id\":\"{c}\",\"frame\":{{\"v\":2,\"type\":\"noise_resp\",\"data\":\"AA==\"}}}}");
        await b.SendTextAsync($"{{\"conn_id\":\"{c}\",\"frame\":{{\"v\":2,\"type\":\"noise_msg\",\"data\":\"AQ==\"}},\"close_code\":4401}}");
        Assert.Equal("{\"v\":2,\"type\":\"noise_resp\",\"data\":\"AA==\"}", await p.ReceiveTextAsync());
        Assert.Equal("{\"v\":2,\"type\":\"noise_msg\",\"data\":\"AQ==\"}", await p.ReceiveTextAsync());
        Assert.Equal((4401, ""), await p.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Scenario73_PhoneNotReading_FifoThroughDirective_LaterItemRefused()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync();
        await using var _p = p;
        await b.SendTextAsync(Envelopes.Data(c, "{\"n\":1}"));
        await b.SendTextAsync(Envelopes.Data(c, "{\"n\":2}"));
        await b.SendTextAsync($"{{\"conn_id\":\"{c}\",\"frame\":{{\"n\":3}},\"close_code\":4401}}");
        await b.SendTextAsync(Envelopes.Data(c, "{\"n\":4}"));
        var refused = await relay.Logs.WaitForAsync("binary_forwarder_phone_enqueue_failed");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, refused.Level);
        Assert.Equal(("s1", c, "relay: phone outbox closed"), (refused["server_id"], refused["conn_id"], refused["err"]));

        p.StartReading();
        Assert.Equal("{\"n\":1}", await p.ReceiveTextAsync());
        Assert.Equal("{\"n\":2}", await p.ReceiveTextAsync());
        Assert.Equal("{\"n\":3}", await p.ReceiveTextAsync());
        Assert.Equal((4401, ""), await p.ReceiveCloseAsync());
        await b.AssertSilentAsync(Silence);
    }

    [Fact]
    public async Task Scenario74_InvalidDirectiveCodes_1011_ValidOnesExact()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        int[] codes = [1005, 999, 5000, 2000, 1000, 3000, 4999];
        var phones = new List<(WsTestClient Client, string ConnId)>();
        foreach (var _ in codes)
        {
            phones.Add(await relay.ConnectRegisteredPhoneAsync(read: true));
        }

        for (var i = 0; i < codes.Length; i++)
        {
            await b.SendTextAsync($"{{\"conn_id\":\"{phones[i].ConnId}\",\"close_code\":{codes[i]}}}");
        }

        for (var i = 0; i < codes.Length; i++)
        {
            var expected = i < 4 ? 1011 : codes[i];
            Assert.Equal((expected, ""), await phones[i].Client.ReceiveCloseAsync());
            var closed = await relay.Logs.WaitForAsync("binary_forwarder_phone_closed", e => e["conn_id"] == phones[i].ConnId);
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), closed["close_code"]);
        }

        var invalid = relay.Logs.Named("binary_forwarder_invalid_close_code");
        Assert.Equal(4, invalid.Count);
        for (var i = 0; i < 4; i++)
        {
            var warn = Assert.Single(invalid, e => e["conn_id"] == phones[i].ConnId);
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warn.Level);
            Assert.Equal(codes[i].ToString(System.Globalization.CultureInfo.InvariantCulture), warn["close_code"]);
        }

        await b.AssertSilentAsync(Silence);
        foreach (var (peer, _) in phones)
        {
            await peer.DisposeAsync();
        }
    }

    [Fact]
    public async Task InvalidDirectiveCode_FrameStillDelivered()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await b.SendTextAsync($"{{\"conn_id\":\"{c}\",\"frame\":[\"last\"],\"close_code\":1015}}");
        Assert.Equal("[\"last\"]", await p.ReceiveTextAsync());
        Assert.Equal((1011, ""), await p.ReceiveCloseAsync());
        Assert.Equal("1015", (await relay.Logs.WaitForAsync("binary_forwarder_invalid_close_code"))["close_code"]);
    }
}
