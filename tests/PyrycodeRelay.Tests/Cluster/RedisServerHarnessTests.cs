namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// The test Redis is the test's own: a redis-server that cannot bind its port must not pass for started because
/// another test's server answers there (two tests sharing one Redis see each other's nodes and server-ids).
/// </summary>
public sealed class RedisServerHarnessTests
{
    [Fact]
    public async Task A_port_held_by_another_redis_server_fails_the_start_instead_of_sharing_that_server()
    {
        await using var first = await RedisServer.StartAsync();
        var e = await Assert.ThrowsAnyAsync<Exception>(async () => await (await RedisServer.StartAsync(port: first.Port)).DisposeAsync());
        Assert.Contains($"redis-server on port {first.Port} exited at start", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("+PONG", await first.CommandAsync("PING"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_start_without_a_port_gets_its_own_server()
    {
        await using var a = await RedisServer.StartAsync();
        await using var b = await RedisServer.StartAsync();
        Assert.NotEqual(a.Port, b.Port);
        await a.CommandAsync("SET", "k", "a");
        Assert.Equal("$-1\r\n", await b.CommandAsync("GET", "k"));
    }
}
