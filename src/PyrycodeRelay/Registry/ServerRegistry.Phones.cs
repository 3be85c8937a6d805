namespace PyrycodeRelay.Registry;

/// <summary>Phone registration and removal.</summary>
public sealed partial class ServerRegistry
{
    /// <summary>
    /// Registers a phone for <paramref name="serverId"/> (protocol.md §5.4): 4404 if the server-id is free,
    /// 4429 at the cap, else a fresh conn_id (redrawn if it collides with a registered one) and
    /// <paramref name="create"/> builds the phone bound to the current holder.
    /// </summary>
    public PhoneRegistration RegisterPhone(string serverId, Func<ulong, IRegisteredBinary, IRegisteredPhone> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return new PhoneRegistration(PhoneRegistrationOutcome.ShuttingDown);
            }

            if (!_slots.TryGetValue(serverId, out var slot))
            {
                return new PhoneRegistration(PhoneRegistrationOutcome.NoServer);
            }

            if (slot.PhoneCount >= _phonesPerServer)
            {
                return new PhoneRegistration(PhoneRegistrationOutcome.AtCap);
            }

            ulong key;
            do
            {
                key = _drawConnIdKey();
            }
            while (slot.ContainsKey(key));

            var phone = create(key, slot.Holder);
            slot.Add(phone);
            _phones++;
            return new PhoneRegistration(PhoneRegistrationOutcome.Registered, phone, slot);
        }
    }

    /// <summary>Removes a phone if it is still registered; returns whether it was.</summary>
    public bool Unregister(IRegisteredPhone phone, ServerSlot slot)
    {
        lock (_gate)
        {
            if (!slot.Remove(phone))
            {
                return false;
            }

            _phones--;
            return true;
        }
    }
}
