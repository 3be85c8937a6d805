namespace PyrycodeRelay.Registry;

/// <summary>What the registry needs of a phone connection: the binding it was registered with.</summary>
/// <typeparam name="TBinary">The binary connection type.</typeparam>
/// <typeparam name="TPhone">The phone connection type itself.</typeparam>
internal interface IRegistryPhone<TBinary, TPhone>
    where TBinary : class
    where TPhone : class
{
    /// <summary>The binding the registry handed to the phone's factory (never changes).</summary>
    PhoneBinding<TBinary, TPhone> Binding { get; }
}
