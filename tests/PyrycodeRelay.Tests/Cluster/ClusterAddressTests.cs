using PyrycodeRelay.Cluster;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>The <c>--cluster-redis</c>, <c>--node-id</c> and <c>--cluster-lease</c> rules (docs/operations.md#running-a-cluster).</summary>
public class ClusterAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:6380", "127.0.0.1", 6380, 0, false)]
    [InlineData("redis.internal:7000", "redis.internal", 7000, 0, false)]
    [InlineData("redis://redis.internal", "redis.internal", 6379, 0, false)]
    [InlineData("redis://redis.internal:6390/3", "redis.internal", 6390, 3, false)]
    [InlineData("redis://redis.internal/0", "redis.internal", 6379, 0, false)]
    [InlineData("rediss://redis.example.com:6380/2", "redis.example.com", 6380, 2, true)]
    [InlineData("redis://[::1]:6379", "::1", 6379, 0, false)]
    [InlineData("[::1]:6400", "::1", 6400, 0, false)]
    public void Valid_addresses_parse(string value, string host, int port, int db, bool tls)
    {
        var address = ClusterAddress.TryParse(value, out var error);
        Assert.True(address is not null, error);
        Assert.Equal(new ClusterAddress(host, port, db, tls), address);
    }

    [Theory]
    [InlineData("redis+sentinel://10.0.0.5/mymaster", "mymaster", 0, "10.0.0.5:26379")]
    [InlineData("redis+sentinel://s1:26380,s2,[::1]:26381/relay.main-1/4", "relay.main-1", 4, "s1:26380", "s2:26379", "[::1]:26381")]
    [InlineData("redis+sentinel://s1:5000/m/", "m", 0, "s1:5000")]
    public void Sentinel_addresses_parse(string value, string service, int db, params string[] sentinels)
    {
        var address = ClusterAddress.TryParse(value, out var error);
        Assert.True(address is not null, error);
        Assert.Equal(service, address.ServiceName);
        Assert.Equal(db, address.Database);
        Assert.False(address.Tls);
        Assert.Equal(sentinels, address.Sentinels);
        Assert.Equal(sentinels[0], address.Endpoint);
        Assert.Equal(service + "@" + string.Join(',', sentinels), address.Display);
        Assert.Null(FlagRules.CheckValueRules(new RelayOptions { ClusterRedis = value }));
    }

    [Fact]
    public void Plain_addresses_have_no_sentinel()
    {
        var address = ClusterAddress.TryParse("redis://r:6390/1", out _)!;
        Assert.Null(address.ServiceName);
        Assert.Null(address.Sentinels);
        Assert.Equal("r:6390", address.Display);
    }

    [Theory]
    [InlineData("redis+sentinel://s1:26379", "needs a master name")]
    [InlineData("redis+sentinel://s1:26379/", "needs a master name")]
    [InlineData("redis+sentinel:///mymaster", "needs a host")]
    [InlineData("redis+sentinel://s1,,s2/mymaster", "needs a host")]
    [InlineData("redis+sentinel://s1,/mymaster", "needs a host")]
    [InlineData("redis+sentinel://s1:0/mymaster", "port must be 1-65535")]
    [InlineData("redis+sentinel://s1:x/mymaster", "port must be 1-65535")]
    [InlineData("redis+sentinel://s1/my master", "master name must be")]
    [InlineData("redis+sentinel://s1/mymaster/x", "database must be a non-negative integer")]
    [InlineData("redis+sentinel://s1/mymaster/-1", "database must be a non-negative integer")]
    [InlineData("redis+sentinel://s1/mymaster/0/extra", "text after its database")]
    [InlineData("redis+sentinel://:secret@s1/mymaster", "must not carry credentials")]
    [InlineData("redis+sentinel://s1/mymaster?db=1", "query or fragment")]
    [InlineData("redis+sentinel://::1:26379/mymaster", "IPv6 hosts must be in brackets")]
    [InlineData("redis+sentinel://a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q/mymaster", "more than 16 sentinels")]
    [InlineData("rediss+sentinel://s1:26379/mymaster", "rediss+sentinel:// (TLS through Sentinel) is not supported")]
    [InlineData("sentinel://s1:26379/mymaster", "scheme must be redis://, rediss:// or redis+sentinel://")]
    public void Malformed_sentinel_addresses_exit_2_with_a_specific_error(string value, string expected)
    {
        Assert.Null(ClusterAddress.TryParse(value, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith("relay: --cluster-redis", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
        var refusal = FlagRules.CheckValueRules(new RelayOptions { ClusterRedis = value });
        Assert.NotNull(refusal);
        Assert.Equal("refusing to start: invalid --cluster-redis", refusal.Message);
        Assert.Equal(2, refusal.ExitCode);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:")]
    [InlineData("localhost:0")]
    [InlineData("localhost:65536")]
    [InlineData("localhost:abc")]
    [InlineData("http://localhost:6379")]
    [InlineData("redis://")]
    [InlineData("redis://:secret@localhost:6379")]
    [InlineData("redis://user:secret@localhost")]
    [InlineData("redis://localhost:6379/-1")]
    [InlineData("redis://localhost:6379/x")]
    [InlineData("redis://localhost:6379?db=1")]
    [InlineData("::1:6379")]
    [InlineData(":6379")]
    public void Malformed_addresses_exit_2_without_echoing_the_value(string value)
    {
        Assert.Null(ClusterAddress.TryParse(value, out var error));
        var refusal = FlagRules.CheckValueRules(new RelayOptions { ClusterRedis = value });
        Assert.NotNull(refusal);
        Assert.Equal("refusing to start: invalid --cluster-redis", refusal.Message);
        Assert.Equal(2, refusal.ExitCode);
        Assert.StartsWith("relay: --cluster-redis", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
        Assert.DoesNotContain(refusal.Fields, f => f.Value?.ToString()?.Contains("secret", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Empty_means_single_instance_and_passes() =>
        Assert.Null(FlagRules.CheckValueRules(new RelayOptions { ClusterRedis = "" }));

    [Theory]
    [InlineData("relay-1")]
    [InlineData("A.b_c-9")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Valid_node_ids_pass(string id) =>
        Assert.Null(FlagRules.CheckValueRules(new RelayOptions { NodeId = id, ClusterRedis = "127.0.0.1:1" }));

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/no")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    [InlineData("é")]
    public void Bad_node_ids_exit_2(string id)
    {
        var refusal = FlagRules.CheckValueRules(new RelayOptions { NodeId = id, ClusterRedis = "127.0.0.1:1" });
        Assert.NotNull(refusal);
        Assert.Equal("refusing to start: invalid --node-id", refusal.Message);
        Assert.Equal(2, refusal.ExitCode);
    }

    [Fact]
    public void Lease_below_3s_exits_2_and_3s_passes()
    {
        var refusal = FlagRules.CheckValueRules(new RelayOptions { ClusterLease = TimeSpan.FromMilliseconds(2999) });
        Assert.NotNull(refusal);
        Assert.Equal("refusing to start: invalid --cluster-lease", refusal.Message);
        Assert.Equal(2, refusal.ExitCode);
        Assert.Null(FlagRules.CheckValueRules(new RelayOptions { ClusterLease = TimeSpan.FromSeconds(3) }));
        Assert.Equal(TimeSpan.FromSeconds(15), new RelayOptions().ClusterLease);
    }

    [Fact]
    public void Default_node_id_is_12_random_hex_characters()
    {
        var a = NodeIds.NewId();
        var b = NodeIds.NewId();
        Assert.Matches("^[0-9a-f]{12}$", a);
        Assert.NotEqual(a, b);
        Assert.True(NodeIds.IsValid(a));
    }

    [Fact]
    public void Cluster_options_never_print_the_password()
    {
        var options = ClusterOptions.From(new RelayOptions { ClusterRedis = "127.0.0.1:6379", NodeId = "n1" }, "hunter2")!;
        Assert.Equal("hunter2", options.Password);
        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
        Assert.Null(ClusterOptions.From(new RelayOptions { ClusterRedis = "127.0.0.1:6379" }, "")!.Password);
        Assert.Null(ClusterOptions.From(new RelayOptions(), "x"));
    }
}
