// One task of a sweep, as a worker thread (or the main thread) runs it: a (setting, configuration, seed)
// run, written to the cache when finished, so an interrupted sweep keeps every run that completed.
import { runCachePath, writeCachedRun } from './cache';
import { runOne, type RunConfig } from './setting';
import { getSetting } from './settings';
import type { Trajectory } from './workflows';

export function runSweepTask(settingName: string, config: RunConfig, seed: number, cache: boolean): Trajectory {
  const setting = getSetting(settingName);
  const trajectory = runOne(setting, config, seed);
  if (cache) writeCachedRun(runCachePath(setting, config, seed), setting, config, seed, trajectory);
  return trajectory;
}
