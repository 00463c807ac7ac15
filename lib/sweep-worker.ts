// A worker thread of the sweep runner: runs (setting, configuration, seed) tasks and writes each
// finished run to the cache, so the main thread only collects results.
import { parentPort } from 'worker_threads';
import { runCachePath, writeCachedRun } from './cache';
import { runOne, type RunConfig } from './setting';
import { getSetting } from './settings';

export interface SweepTask {
  id: number;
  setting: string;
  config: RunConfig;
  seed: number;
  cache: boolean;
}

parentPort?.on('message', (task: SweepTask) => {
  try {
    const setting = getSetting(task.setting);
    const trajectory = runOne(setting, task.config, task.seed);
    if (task.cache) writeCachedRun(runCachePath(setting, task.config, task.seed), setting, task.config, task.seed, trajectory);
    const buffers = [trajectory.trainingSize.buffer, ...Object.values(trajectory.metrics).map((m) => m.buffer)];
    parentPort!.postMessage({ id: task.id, trajectory }, buffers as ArrayBuffer[]);
  } catch (err) {
    parentPort!.postMessage({ id: task.id, error: err instanceof Error ? `${err.name === 'ConfigError' ? '' : err.name + ': '}${err.message}` : String(err) });
  }
});
