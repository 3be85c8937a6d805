namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>
/// What the load part of a run measures. <see cref="Matrix"/>: the sizes × phone counts matrix at <c>--window</c>
/// with fan-out and setup rate (<see cref="MatrixLatency"/>: also its open-loop rows, fan-out and setup).
/// <see cref="Rows"/>: the extra closed-loop rows, each measured <see cref="Reps"/> times per target, interleaved;
/// <see cref="RowLatency"/>: then each at 75 % of its lowest maximum (all targets) and at 75 % of each relay's
/// own maximum.
/// </summary>
internal sealed record LoadPlan(bool Matrix, bool MatrixLatency, RowSpec[] Rows, int Reps, bool RowLatency);
