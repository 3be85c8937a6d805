namespace PyrycodeRelay.Registry;

/// <summary>The registration decision; <see cref="Phone"/> (built by the caller's factory) is set when registered.</summary>
internal readonly record struct PhoneRegistration<TPhone>(PhoneRegistrationOutcome Outcome, TPhone? Phone = null)
    where TPhone : class;
