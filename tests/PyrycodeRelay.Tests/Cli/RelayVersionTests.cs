using PyrycodeRelay.Cli;

namespace PyrycodeRelay.Tests.Cli;

public class RelayVersionTests
{
    [Theory]
    [InlineData("0.1.0+abc123def", "0.1.0")]
    [InlineData("1.2.3-rc.1+sha.5", "1.2.3-rc.1")]
    [InlineData("0.1.0", "0.1.0")]
    [InlineData("", "dev")]
    [InlineData("+abc", "dev")]
    [InlineData(null, "dev")]
    public void Strips_build_metadata(string? informational, string expected) =>
        Assert.Equal(expected, RelayVersion.FromInformationalVersion(informational));

    [Fact]
    public void Current_is_the_project_version_without_metadata()
    {
        Assert.Equal("0.1.0", RelayVersion.Current);
    }
}
