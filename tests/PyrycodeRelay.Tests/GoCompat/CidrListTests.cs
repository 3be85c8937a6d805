using System.Net;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Tests.GoCompat;

public class CidrListTests
{
    [Fact]
    public void Parses_and_masks_entries()
    {
        Assert.Null(CidrList.TryParse("10.1.2.3/8, fd00::1/8,127.0.0.1/32", out var nets));
        Assert.Equal([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00::/8"), IPNetwork.Parse("127.0.0.1/32")], nets);
    }

    [Fact]
    public void Empty_list_is_no_entries()
    {
        Assert.Null(CidrList.TryParse("", out var nets));
        Assert.Empty(nets);
    }

    [Theory]
    [InlineData("10.0.0.0/33", "10.0.0.0/33")]
    [InlineData("::/129", "::/129")]
    [InlineData("10.0.0.0/-1", "10.0.0.0/-1")]
    [InlineData("10.0.0.0/", "10.0.0.0/")]
    [InlineData("/8", "/8")]
    [InlineData("10.0.0.0/8/8", "10.0.0.0/8/8")]
    [InlineData("1.2.3.4/8,,5.6.7.8/8", "")]
    public void Reports_the_first_bad_entry(string list, string bad)
    {
        Assert.Equal($"relay: invalid CIDR \"{bad}\"", CidrList.TryParse(list, out _));
    }
}
