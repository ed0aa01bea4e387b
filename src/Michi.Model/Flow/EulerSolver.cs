// The ODE solver that turns a velocity field into samples: explicit Euler from τ = t0 to t1 in
// N equal steps, x ← x + Δτ·v(x, τ). Rectified flows are trained to be nearly straight, so a
// few steps suffice (default 4, DESIGN.md §2.4); a straight field (constant velocity along the
// path) is integrated exactly by a single step. The loop is the whole algorithm, on purpose:
// it can be read next to the paper.
// Reference: facebookresearch/flow_matching solver/ode_solver.py (method "euler").
//
// Shapes: x (N, D); the field returns (N, D).
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Flow;

/// <summary>A velocity field v(x, τ): (N, D) at time τ → (N, D). The caller owns the result.</summary>
public delegate Tensor VelocityField(Tensor x, double tau);

public static class EulerSolver
{
    public const int DefaultSteps = 4;

    /// <summary>Integrates dx/dτ = v(x, τ) from <paramref name="x0"/> at τ = <paramref name="t0"/>
    /// to τ = <paramref name="t1"/> in <paramref name="steps"/> Euler steps; returns a new tensor
    /// (x0 is left untouched).</summary>
    public static Tensor Integrate(VelocityField velocity, Tensor x0, int steps = DefaultSteps, double t0 = 0.0, double t1 = 1.0)
    {
        ArgumentNullException.ThrowIfNull(velocity);
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        double dt = (t1 - t0) / steps;
        Tensor x = x0.clone();
        for (int i = 0; i < steps; i++)
        {
            double tau = t0 + i * dt;
            using var v = velocity(x, tau);        // (N, D)
            // Out of place, so that a caller may differentiate through the solve.
            var next = x.add(v, alpha: dt);        // x ← x + Δτ·v
            x.Dispose();
            x = next;
        }
        return x;
    }
}
