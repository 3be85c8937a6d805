using PyrycodeRelay.Forwarding.Codec;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

public class DirectiveCloseCodesTests
{
    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1008)]
    [InlineData(1011)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(4401)]
    [InlineData(4412)]
    [InlineData(4421)]
    [InlineData(4426)]
    [InlineData(4999)]
    public void Valid_codes_are_used_as_given(int code)
    {
        Assert.True(DirectiveCloseCodes.IsValid(code));
        Assert.Equal(code, DirectiveCloseCodes.Resolve(code));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(2000)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Invalid_codes_become_1011(int code)
    {
        Assert.False(DirectiveCloseCodes.IsValid(code));
        Assert.Equal(1011, DirectiveCloseCodes.Resolve(code));
    }

    [Fact]
    public void Exhaustive_partition_of_the_code_space()
    {
        int valid = 0;
        for (int code = 1; code <= 65535; code++)
        {
            bool expected = code is >= 1000 and <= 1003 || code is >= 1007 and <= 1014 || code is >= 3000 and <= 4999;
            Assert.Equal(expected, DirectiveCloseCodes.IsValid(code));
            valid += expected ? 1 : 0;
        }

        Assert.Equal(4 + 8 + 2000, valid);
    }
}
