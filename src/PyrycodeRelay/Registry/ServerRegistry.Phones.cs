namespace PyrycodeRelay.Registry;

/// <summary>Phone registration and removal (docs/protocol.md#phone-registration, docs/protocol.md#end-of-a-phone-connection).</summary>
internal sealed partial class ServerRegistry<TBinary, TPhone>
{
    /// <inheritdoc />
    public ValueTask<PhoneRegistration<TPhone>> RegisterPhoneAsync(string serverId, Func<PhoneBinding<TBinary, TPhone>, TPhone> create)
    {
        ArgumentNullException.ThrowIfNull(serverId);
        ArgumentNullException.ThrowIfNull(create);
        return new(RegisterPhone(serverId, create));
    }

    /// <inheritdoc />
    public ValueTask<bool> UnregisterAsync(TPhone phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var binding = phone.Binding;
        lock (_gate)
        {
            if (!binding.Slot.Remove(binding.Key, phone))
            {
                return new(false);
            }

            _phones--;
            return new(true);
        }
    }

    private PhoneRegistration<TPhone> RegisterPhone(string serverId, Func<PhoneBinding<TBinary, TPhone>, TPhone> create)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return new(PhoneRegistrationOutcome.ShuttingDown);
            }

            if (!_slots.TryGetValue(serverId, out var slot))
            {
                return new(PhoneRegistrationOutcome.NoServer);
            }

            if (slot.PhoneCount >= _phonesPerServer)
            {
                return new(PhoneRegistrationOutcome.AtCap);
            }

            ulong key;
            do
            {
                key = _drawConnIdKey();
            }
            while (slot.ContainsKey(key));

            var phone = create(new PhoneBinding<TBinary, TPhone>(slot, key, slot.Epoch, slot.Holder));
            slot.Add(key, phone);
            _phones++;
            return new(PhoneRegistrationOutcome.Registered, phone);
        }
    }
}
