// The registry of task settings, by the name used on the command line and in sweeps. Settings load
// lazily so that, say, the Gaussian sweep never pays for loading TensorFlow.js.
import { ConfigError, type TaskSetting } from './setting';

const LOADERS: Record<string, () => TaskSetting> = {
  gaussian: () => require('./gaussian').gaussianSetting,
  kde: () => require('./kde/setting').kdeSetting,
  lm: () => require('./lm/setting').lmSetting,
  'lm-value': () => require('./lm/value').lmValueSetting,
  discrete: () => require('./discrete').discreteSetting,
  regression: () => require('./regression').regressionSetting,
};

export const SETTING_NAMES = Object.keys(LOADERS);

export function getSetting(name: string): TaskSetting {
  const load = LOADERS[name];
  if (!load) throw new ConfigError(`unknown setting '${name}' (expected one of: ${SETTING_NAMES.join(', ')})`);
  return load();
}
