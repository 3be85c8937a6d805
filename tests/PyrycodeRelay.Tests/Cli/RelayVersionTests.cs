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

    [Theory]
    [InlineData("0.1.0+0123456789abcdef0123456789abcdef01234567", "0123456789abcdef0123456789abcdef01234567")] // SourceRevisionId (git HEAD)
    [InlineData("0.1.0+abc ", "abc")]
    [InlineData("0.1.0", "unknown")] // built outside a git checkout without -p:SourceRevisionId
    [InlineData("0.1.0+", "unknown")]
    [InlineData(null, "unknown")]
    public void The_commit_is_the_build_metadata_or_unknown(string? informational, string expected) =>
        Assert.Equal(expected, RelayVersion.CommitFromInformationalVersion(informational));

    [Fact]
    public void The_version_line_names_the_version_and_the_commit() =>
        Assert.Equal($"0.1.0 (commit {RelayVersion.Commit})", RelayVersion.Line);
}
