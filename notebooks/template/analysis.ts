// The template's analysis as a script: `npx tsx analysis.ts` (or `npm run analysis`) in this folder.
// The same small sweep and figure as analysis.ipynb; a script has nowhere to show a figure, so it writes it to
// figures/trace-ratio.{png,svg,html} next to this file (open the .html for the live plot).
import * as path from "path";
import { closeRenderer, distinctValues, gaussian, relplot, saveFigure, sweep } from "collapse-or-thrive";

async function main(): Promise<void> {
  // Replace vs Accumulate in the Gaussian setting: dimension 2, two sample sizes, 20 iterations, 5 seeds (20 runs,
  // well under a second). Finished runs are cached (see README.md), so a second run reads them back.
  const results = await sweep("gaussian", {
    grid: { workflow: ["replace", "accumulate"], dim: [2], samples: [10, 100], iterations: [20] },
    seeds: 5,
  });
  console.log(`${results.numRows()} rows: ${results.columnNames().join(", ")}`);

  // The closed forms, computed from the configurations present in the results (so this survives a change of grid).
  const T = Math.max(...distinctValues(results, "iteration"));
  const fig = relplot(results, {
    x: "iteration", y: "trace_ratio", hue: "samples", col: "workflow", row: "dim", logY: true,
    overlays: gaussian.theory.gaussianTheoryOverlays("trace_ratio", distinctValues(results, "dim"), distinctValues(results, "samples"), T,
      distinctValues<string>(results, "workflow")),
    labels: { iteration: "model-fitting iteration", samples: "n", dim: "d", trace_ratio: "tr Σ̂ₜ / tr Σ₀" },
    title: "Trace of the fitted covariance: Replace collapses, Accumulate does not",
  });
  const written = await saveFigure(fig, path.join(__dirname, "figures", "trace-ratio"));
  console.log(`figure: ${written.map((f) => path.relative(process.cwd(), f)).join(", ")}`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => closeRenderer());
