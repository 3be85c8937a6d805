using System.Diagnostics.CodeAnalysis;

// Logging tests pass literal and computed arguments to log calls on purpose, and use the relay's
// snake_case wire keys as placeholders (docs/logging.md#keys).
[assembly: SuppressMessage("Performance", "CA1873:Avoid potentially expensive logging",
    Justification = "Tests build log arguments inline.", Scope = "namespaceanddescendants",
    Target = "~N:PyrycodeRelay.Tests.Observability.Logging")]
[assembly: SuppressMessage("Naming", "CA1727:Use PascalCase for named placeholders",
    Justification = "The relay's log keys are snake_case by contract.", Scope = "namespaceanddescendants",
    Target = "~N:PyrycodeRelay.Tests.Observability.Logging")]
