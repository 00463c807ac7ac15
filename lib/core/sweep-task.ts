// One run of a sweep as a worker thread (or this thread) computes it: the setting is loaded from the
// module that declares it, so a worker runs exactly the code of the process that planned the sweep.
import { loadSetting } from './registry';
import type { RunConfig } from './setting';
import type { Trajectory } from './workflows';

export interface SweepTask {
  /** The declaring module and the setting's name. */
  file: string;
  setting: string;
  config: RunConfig;
  seed: number;
}

export function runSweepTask(task: SweepTask): Trajectory {
  return loadSetting(task.file, task.setting).run(task.config, task.seed);
}
