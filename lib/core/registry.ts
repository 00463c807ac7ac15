// The registry of task settings: every declaration exported by a lib/settings/<folder>/setting module,
// found by looking, not by a hand-kept map, so a new setting is a new folder. The registry loads only
// the declarations (importing a model does not start TensorFlow.js; the language model's backend starts
// on first use).
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from './errors';
import { isSetting, type TaskSetting } from './setting';

const SETTINGS_DIR = path.join(__dirname, '..', 'settings');
const EXT = path.extname(__filename); // '.ts' under tsx, '.js' compiled

let all: Map<string, TaskSetting> | undefined;

/** The settings a module exports. */
export function settingsOf(file: string): TaskSetting[] {
  return Object.values(require(file) as Record<string, unknown>).filter(isSetting);
}

function registry(): Map<string, TaskSetting> {
  if (all) return all;
  all = new Map();
  for (const folder of fs.readdirSync(SETTINGS_DIR).sort()) {
    const file = path.join(SETTINGS_DIR, folder, `setting${EXT}`);
    if (!fs.existsSync(file)) continue;
    for (const s of settingsOf(file)) {
      if (all.has(s.name)) throw new Error(`two settings are named '${s.name}'`);
      all.set(s.name, s);
    }
  }
  return all;
}

/** The names of the project's settings, as on the command line. */
export function settingNames(): string[] {
  return [...registry().keys()];
}

export function getSetting(name: string): TaskSetting {
  const s = registry().get(name);
  if (!s) throw new ConfigError(`unknown setting '${name}' (expected one of: ${settingNames().join(', ')})`);
  return s;
}

/** A setting given by name or as a declaration. */
export function resolveSetting(setting: string | TaskSetting): TaskSetting {
  if (typeof setting === 'string') return getSetting(setting);
  if (!isSetting(setting)) throw new ConfigError(`not a setting declaration: ${String(setting)}`);
  return setting;
}

/** The setting named `name` that the module `file` exports (how a worker finds a sweep's setting). */
export function loadSetting(file: string, name: string): TaskSetting {
  const s = settingsOf(file).find((x) => x.name === name);
  if (!s) throw new Error(`${file} exports no setting named '${name}'`);
  return s;
}

/** The module file from which a worker can load this very declaration, or undefined (a notebook cell's). */
export function settingModule(setting: TaskSetting): string | undefined {
  const file = setting.file;
  if (!file || !fs.existsSync(file)) return undefined;
  const exports = require.cache[file]?.exports as Record<string, unknown> | undefined;
  return exports && Object.values(exports).includes(setting) ? file : undefined;
}
