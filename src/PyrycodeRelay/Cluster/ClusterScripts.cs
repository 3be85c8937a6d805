namespace PyrycodeRelay.Cluster;

/// <summary>
/// The Lua scripts that change a server-id's shared state atomically (docs/architecture.md "Cluster mode"). Time is
/// Redis server time (<c>TIME</c>), in milliseconds, so deadlines do not depend on the nodes' clocks. Keys:
/// <c>pyry:sid:{sid}</c> (hash: node, epoch, state live|grace, until, grace, key = the server key's SHA-256 in hex when
/// claimed with one), <c>pyry:sid:{sid}:phones</c> (hash: conn_id key → phone node), <c>pyry:epoch</c> (the fencing
/// counter), <c>pyry:ids:live</c> and <c>pyry:ids:grace</c> (sorted sets of server-ids by lease end and by grace
/// deadline: together the claims <c>--max-server-ids</c> counts; a live entry whose lease passed is gracing).
/// </summary>
internal static class ClusterScripts
{
    /// <summary>A fixed-time comparison of two server key hashes (hex): every byte is looked at, whatever differs.</summary>
    private const string Same = """
        local function same(a, b)
          if #a ~= #b then return false end
          local d = 0
          for i = 1, #a do d = bit.bor(d, bit.bxor(string.byte(a, i), string.byte(b, i))) end
          return d == 0
        end

        """;

    private const string Now = "local tm = redis.call('TIME') local t = tonumber(tm[1]) * 1000 + math.floor(tonumber(tm[2]) / 1000)\n";

    /// <summary>
    /// KEYS sid, phones, epoch, live ids, grace ids; ARGV node, leaseMs, graceMs, forceEpoch, keyHash (hex or empty),
    /// maxServerIds, sid. Returns {'key'} when the claim holds a server key the claimant did not present (no probe),
    /// {'cap'} when <c>--max-server-ids</c> claims are live and none is gracing, {'live', node, epoch} when a live holder
    /// exists and <c>forceEpoch</c> is not its epoch (the caller probes it first), else {kind, newEpoch, oldNode,
    /// oldEpoch, n, key1, node1, … (n values), then per grace cut short: sid, node, epoch, m, key1, node1, … (m values)}
    /// with kind claimed|reclaimed|takenover|expired.
    /// </summary>
    public const string Claim = Now + Same + """
        local h = redis.call('HMGET', KEYS[1], 'node', 'epoch', 'state', 'until', 'grace', 'key')
        local kind = 'claimed'
        local held = h[6]
        if h[1] then
          local state, u, g = h[3], tonumber(h[4]), tonumber(h[5])
          local live = state == 'live' and u >= t
          local deadline = u
          if state == 'live' then deadline = u + g end
          if not live and deadline < t then
            kind = 'expired'
            held = false
          else
            if held and not same(held, ARGV[5]) then return {'key'} end
            if live then
              if ARGV[4] ~= h[2] then return {'live', h[1], h[2]} end
              kind = 'takenover'
            else
              kind = 'reclaimed'
            end
          end
        end
        local cuts = {}
        if kind == 'claimed' then
          redis.call('ZREM', KEYS[4], ARGV[7])
          redis.call('ZREM', KEYS[5], ARGV[7])
          while redis.call('ZCARD', KEYS[4]) + redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[6]) do
            local pick, at = nil, nil
            local gm = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
            if gm[1] then pick, at = gm[1], tonumber(gm[2]) end
            local lm = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
            if lm[1] and tonumber(lm[2]) < t then
              local d = tonumber(lm[2]) + tonumber(ARGV[3])
              if not pick or d < at then pick, at = lm[1], d end
            end
            if not pick then return {'cap'} end
            local sk = 'pyry:sid:' .. pick
            local ch = redis.call('HMGET', sk, 'node', 'epoch')
            local cp = redis.call('HGETALL', sk .. ':phones')
            redis.call('DEL', sk, sk .. ':phones')
            redis.call('ZREM', KEYS[4], pick)
            redis.call('ZREM', KEYS[5], pick)
            if ch[1] then
              cuts[#cuts + 1] = pick cuts[#cuts + 1] = ch[1] cuts[#cuts + 1] = ch[2] cuts[#cuts + 1] = tostring(#cp)
              for i = 1, #cp do cuts[#cuts + 1] = cp[i] end
            end
          end
        end
        local phones = redis.call('HGETALL', KEYS[2])
        redis.call('DEL', KEYS[2])
        local e = redis.call('INCR', KEYS[3])
        local lu = t + tonumber(ARGV[2])
        redis.call('HSET', KEYS[1], 'node', ARGV[1], 'epoch', e, 'state', 'live', 'until', lu, 'grace', ARGV[3])
        local key = held or ARGV[5]
        if key == '' then redis.call('HDEL', KEYS[1], 'key') else redis.call('HSET', KEYS[1], 'key', key) end
        redis.call('ZREM', KEYS[5], ARGV[7])
        redis.call('ZADD', KEYS[4], lu, ARGV[7])
        local r = {kind, tostring(e), h[1] or '', h[2] or '', tostring(#phones)}
        for i = 1, #phones do r[#r + 1] = phones[i] end
        for i = 1, #cuts do r[#r + 1] = cuts[i] end
        return r
        """;

    /// <summary>KEYS sid, phones, live ids, grace ids; ARGV node, epoch, sid. Live holder → grace: returns {'ok', key1, node1, …}; else {'no'}.</summary>
    public const string Release = Now + """
        local h = redis.call('HMGET', KEYS[1], 'node', 'epoch', 'state', 'grace')
        if h[1] ~= ARGV[1] or h[2] ~= ARGV[2] or h[3] ~= 'live' then return {'no'} end
        redis.call('HSET', KEYS[1], 'state', 'grace', 'until', t + tonumber(h[4]))
        redis.call('ZREM', KEYS[3], ARGV[3])
        redis.call('ZADD', KEYS[4], t + tonumber(h[4]), ARGV[3])
        local r = {'ok'}
        local phones = redis.call('HGETALL', KEYS[2])
        for i = 1, #phones do r[#r + 1] = phones[i] end
        return r
        """;

    /// <summary>KEYS sid, phones, live ids, grace ids; ARGV epoch, sid. Once the grace deadline passed: deletes the claim, returns {'expired', key1, node1, …}; else {'no'}.</summary>
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
        redis.call('ZREM', KEYS[3], ARGV[2])
        redis.call('ZREM', KEYS[4], ARGV[2])
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
    /// KEYS epoch, live ids, sid1, sid2, …; ARGV node, leaseMs, graceMs, then per sid: epoch, keyHash, phones. Renews
    /// each live claim this node holds; re-creates a claim Redis lost (restart without persistence: the counter is below
    /// the epoch, and is raised above it) with its server key hash and this node's phones (comma-separated conn_id
    /// keys). A keyHash of <c>-</c> means "not sent": such a claim is not re-created but listed (and the counter is left
    /// alone), and the caller renews again with everything. Returns {lost sid keys, sid keys to send again}.
    /// </summary>
    public const string Renew = Now + """
        local lost, again = {}, {}
        local counter = tonumber(redis.call('GET', KEYS[1]) or '0')
        for i = 3, #KEYS do
          local a = 3 + (i - 3) * 3
          local e, key, phones = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
          local sid = string.sub(KEYS[i], 10)
          local h = redis.call('HMGET', KEYS[i], 'node', 'epoch', 'state', 'until')
          if not h[1] and counter < tonumber(e) then
            if key == '-' then
              again[#again + 1] = KEYS[i]
            else
              local lu = t + tonumber(ARGV[2])
              redis.call('HSET', KEYS[i], 'node', ARGV[1], 'epoch', e, 'state', 'live', 'until', lu, 'grace', ARGV[3])
              if key ~= '' then redis.call('HSET', KEYS[i], 'key', key) end
              for k in string.gmatch(phones, '[^,]+') do redis.call('HSET', KEYS[i] .. ':phones', k, ARGV[1]) end
              redis.call('ZADD', KEYS[2], lu, sid)
            end
          elseif h[1] == ARGV[1] and h[2] == e and h[3] == 'live' and tonumber(h[4]) >= t then
            redis.call('HSET', KEYS[i], 'until', t + tonumber(ARGV[2]))
            redis.call('ZADD', KEYS[2], t + tonumber(ARGV[2]), sid)
          else
            lost[#lost + 1] = KEYS[i]
          end
        end
        if #again > 0 then return {lost, again} end
        for i = 3, #KEYS do
          local e = tonumber(ARGV[3 + (i - 3) * 3 + 1])
          if counter < e then counter = e redis.call('SET', KEYS[1], e) end
        end
        return {lost, again}
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
