// Replace until collapse: when to expect it, and how long to follow a chain (the paper's appendix figure
// of iterations to collapse against n).

/**
 * Expected iteration at which Replace collapses to one outcome, by the diffusion approximation of the
 * neutral Wright–Fisher chain with population n: from proportions p the expected time to lose all but
 * one outcome is −2n·Σ_i (1 − p_i)·log(1 − p_i) generations; from the uniform start that is
 * 2n·(K − 1)·log(K/(K − 1)), which tends to 2n for large K. Iteration 1 fits the real data (itself one
 * draw of n from the uniform truth), so the collapse iteration is about this time. An approximation,
 * good for large n; drawn as a reference line, not tested as an exact law.
 */
export function expectedCollapseIteration(outcomes: number, samples: number): number {
  return 2 * samples * (outcomes - 1) * Math.log(outcomes / (outcomes - 1));
}

/**
 * The iteration cap for following Replace until collapse. The last two surviving lineages of a
 * Wright–Fisher population of n merge at rate 1/n per generation, so P(collapse after 2n + x·n) is about
 * e^(−x) times a constant near 3. With the cap at 1000 + 20n a run is capped with probability below
 * 3·e^(−18) ≈ 5e−8: over the paper's 2,500 Replace runs, the chance that any is capped is about 1e−4.
 */
export function replaceCollapseCap(samples: number): number {
  return 1000 + 20 * samples;
}

/**
 * Follow one Replace run until its entropy is exactly 0 or `cap` iterations: the sweep's run for this
 * seed (runOne, the same streams), stopped at the absorbing state, so where the sweep's recorded
 * trajectory reaches the collapse both agree exactly (tested). Returns the collapse iteration, or null
 * when capped. Only this number is kept: a chain that runs ~2n = 200,000 iterations is too long a table.
 */
