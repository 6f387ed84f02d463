/**
 * Optimisers, learning-rate schedules, penalties, gradient clipping and weight constraints.
 *
 * <p>One training step, in order:
 * <pre>
 *   optimizer.setLearningRate(schedule.rate(t));     // LearningRateSchedule, optional
 *   loss.backward();                                 // parameters receive gradients
 *   double penalty = l2.apply(params);               // GradientTransform: L2Penalty, L1Penalty
 *   double normBefore = clip.apply(params);          // GradientTransform: ClipByGlobalNorm, ClipByValue
 *   optimizer.step();                                // in place
 *   maxNorm.apply(params);                           // MaxNormConstraint, optional
 *   optimizer.zeroGrad();
 * </pre>
 *
 * <p>Each optimiser is a stateful shell ({@link org.myelin.optim.Optimizer}: parameters by name, the learning
 * rate, the step count, per-parameter state slots) over a stateless update rule (a {@code *Rule} class of static
 * methods on param, grad and state arrays and scalars), where native fused kernels can slot in. Hyper-parameters
 * are records validated on construction; {@link org.myelin.optim.Optimizers#create} and
 * {@link org.myelin.optim.Schedules#create} build them from JSON-compatible maps.
 *
 * <p>Sources: gradient descent and momentum (CS 489 §8 and §14.3; see docs/notes.md), weight decay and L1 (CS 489
 * §11.2, MIT 6.390 §6.8.1.2), the decreasing step size and adaptive step sizes (MIT 6.390 §6.7.2-6.7.3), momentum /
 * RMSprop / Adam named in Duke slides, weight constraints and gradient clipping (Oxford ML "Other ideas").
 */
package org.myelin.optim;
