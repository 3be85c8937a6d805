namespace PyrycodeRelay.Tests;

public class SmokeTests
{
    [Fact]
    public void Builds() => Assert.Equal(0, 0);
}
