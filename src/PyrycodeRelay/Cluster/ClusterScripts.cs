namespace PyrycodeRelay.Cluster;

/// <summary>
/// The Lua scripts that change a server-id's shared state atomically (docs/architecture.md "Cluster mode"). Time is
/// Redis server time (<c>TIME</c>), in milliseconds, so deadlines do not depend on the nodes' clocks. Keys:
/// <c>pyry:sid:{sid}</c> (hash: node, epoch, state live|grace, until, grace), <c>pyry:sid:{sid}:phones</c> (hash:
/// conn_id key → phone node), <c>pyry:epoch</c> (the fencing counter).
/// </summary>
internal static class ClusterScripts
{
    private const string Now = "local tm = redis.call('TIME') local t = tonumber(tm[1]) * 1000 + math.floor(tonumber(tm[2]) / 1000)\n";

    /// <summary>
    /// KEYS sid, phones, epoch; ARGV node, leaseMs, graceMs, forceEpoch. Returns {kind, newEpoch, oldNode, oldEpoch,
    /// key1, node1, …} with kind claimed|reclaimed|takenover|expired, or {'live', node, epoch} when a live holder exists
    /// and <c>forceEpoch</c> is not its epoch (the caller probes it first).
    /// </summary>
    public const string Claim = Now + """
        local h = redis.call('HMGET', KEYS[1], 'node', 'epoch', 'state', 'until', 'grace')
        local kind = 'claimed'
        if h[1] then
          local state, u, g = h[3], tonumber(h[4]), tonumber(h[5])
          local deadline = u
          if state == 'live' and u >= t then
            if ARGV[4] ~= h[2] then return {'live', h[1], h[2]} end
            kind = 'takenover'
          else
            if state == 'live' then deadline = u + g end
            if deadline < t then kind = 'expired' else kind = 'reclaimed' end
          end
        end
        local phones = redis.call('HGETALL', KEYS[2])
        redis.call('DEL', KEYS[2])
        local e = redis.call('INCR', KEYS[3])
        redis.call('HSET', KEYS[1], 'node', ARGV[1], 'epoch', e, 'state', 'live', 'until', t + tonumber(ARGV[2]), 'grace', ARGV[3])
        local r = {kind, tostring(e), h[1] or '', h[2] or ''}
        for i = 1, #phones do r[#r + 1] = phones[i] end
        return r
        """;

    /// <summary>KEYS sid, phones; ARGV node, epoch. Live holder → grace: returns {'ok', key1, node1, …}; else {'no'}.</summary>
    public const string Release = Now + """
        local h = redis.call('HMGET', KEYS[1], 'node', 'epoch', 'state', 'grace')
        if h[1] ~= ARGV[1] or h[2] ~= ARGV[2] or h[3] ~= 'live' then return {'no'} end
        redis.call('HSET', KEYS[1], 'state', 'grace', 'until', t + tonumber(h[4]))
        local r = {'ok'}
        local phones = redis.call('HGETALL', KEYS[2])
        for i = 1, #phones do r[#r + 1] = phones[i] end
        return r
        """;

    /// <summary>KEYS sid, phones; ARGV epoch. Once the grace deadline passed: deletes the claim, returns {'expired', key1, node1, …}; else {'no'}.</summary>
    public const string Expire = Now + """
        local h = redis.call('HMGET', KEYS[1], 'node', 'epoch', 'state', 'until', 'grace')
        if not h[1] or h[2] ~= ARGV[1] then return {'no'} end
        local deadline = tonumber(h[4])
        if h[3] == 'live' then deadline = deadline + tonumber(h[5]) end
        if deadline >= t then return {'no'} end
        local r = {'expired'}
        local phones = redis.call('HGETALL', KEYS[2])
        for i = 1, #phones do r[#r + 1] = phones[i] end
        redis.call('DEL', KEYS[1], KEYS[2])
        return r
        """;

    /// <summary>
    /// KEYS sid, phones; ARGV node, key, cap. Returns {'ok', epoch, holderNode, live|grace}, {'none'}, {'cap'} or
    /// {'dup'} (the conn_id key is taken: draw another).
    /// </summary>
    public const string Register = Now + """
        local h = redis.call('HMGET', KEYS[1], 'node', 'epoch', 'state', 'until', 'grace')
        if not h[1] then return {'none'} end
        local state, u = h[3], tonumber(h[4])
        if state == 'live' and u < t then state = 'grace' u = u + tonumber(h[5]) end
        if state == 'grace' and u < t then return {'none'} end
        if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) then return {'cap'} end
        if redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[1]) == 0 then return {'dup'} end
        return {'ok', h[2], h[1], state}
        """;

    /// <summary>
    /// KEYS epoch, sid1, sid2, …; ARGV node, leaseMs, graceMs, epoch1, epoch2, …. Renews each live claim this node
    /// holds; re-creates a claim Redis lost (restart without persistence: the counter is below the epoch, and is
    /// raised above it). Returns the sid keys whose lease is lost.
    /// </summary>
    public const string Renew = Now + """
        local lost = {}
        local counter = tonumber(redis.call('GET', KEYS[1]) or '0')
        for i = 2, #KEYS do
          local e = ARGV[i + 2]
          local h = redis.call('HMGET', KEYS[i], 'node', 'epoch', 'state', 'until')
          if not h[1] and counter < tonumber(e) then
            redis.call('HSET', KEYS[i], 'node', ARGV[1], 'epoch', e, 'state', 'live', 'until', t + tonumber(ARGV[2]), 'grace', ARGV[3])
          elseif h[1] == ARGV[1] and h[2] == e and h[3] == 'live' and tonumber(h[4]) >= t then
            redis.call('HSET', KEYS[i], 'until', t + tonumber(ARGV[2]))
          else
            lost[#lost + 1] = KEYS[i]
          end
        end
        for i = 2, #KEYS do
          local e = tonumber(ARGV[i + 2])
          if counter < e then counter = e redis.call('SET', KEYS[1], e) end
        end
        return lost
        """;

    /// <summary>KEYS sid. Returns {epoch, live|grace|expired} by Redis time, or {} when there is no claim.</summary>
    public const string Lookup = Now + """
        local h = redis.call('HMGET', KEYS[1], 'node', 'epoch', 'state', 'until', 'grace')
        if not h[1] then return {} end
        local state, u = h[3], tonumber(h[4])
        if state == 'live' and u < t then state = 'grace' u = u + tonumber(h[5]) end
        if state == 'grace' and u < t then state = 'expired' end
        return {h[2], state}
        """;
}
