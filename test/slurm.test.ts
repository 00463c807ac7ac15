// A sharded sweep on a real Slurm: a one-node cluster on this machine (munged, slurmctld, slurmd, with a
// slurm.conf written here and private sockets, ports and folders, so nothing of the machine's own
// configuration is touched), `collapse slurm ... --submit`, and the merged CSV compared byte for byte with
// a single-machine run. One shard is killed (kill -9) part-way first and then run again to completion by
// the array job. Debian's slurm-wlm and munge are installed when missing (as root); elsewhere the test is
// skipped, saying why. Every daemon started here is stopped at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const bin = path.join(root, 'bin', 'collapse.js');
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function ensureSlurm(): string | undefined {
  if (have('slurmctld') && have('slurmd') && have('munged') && have('sbatch')) return undefined;
  if (process.getuid?.() !== 0 || !have('apt-get')) return 'Slurm is not installed, and installing it needs root and apt-get';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'slurm-wlm', 'munge', 'slurm-client'], { env, encoding: 'utf8' });
  if (r.status !== 0) return `apt-get install slurm-wlm munge failed: ${r.stderr.slice(-500)}`;
  return have('sbatch') ? undefined : 'sbatch still missing after installing slurm-wlm';
}

const skip = ensureSlurm();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, seconds: number, ok: () => boolean): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await sleep(100);
  }
}

test('a sharded sweep on a real one-node Slurm cluster merges byte for byte to the single-machine CSV', { skip, timeout: 15 * 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-slurm-'));
  const host = os.hostname().split('.')[0];
  const port = 20000 + (process.pid % 20000);
  const conf = path.join(dir, 'slurm.conf');
  const sock = path.join(dir, 'munge.sock');
  for (const d of ['state', 'spool', 'log']) fs.mkdirSync(path.join(dir, d));
  fs.writeFileSync(path.join(dir, 'munge.key'), Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7919 + process.pid) % 256)), { mode: 0o600 });
  fs.writeFileSync(
    conf,
    [
      'ClusterName=collapsetest', `SlurmctldHost=${host}`, 'SlurmUser=root', 'SlurmdUser=root',
      'AuthType=auth/munge', `AuthInfo=socket=${sock}`, 'CredType=cred/munge',
      `StateSaveLocation=${dir}/state`, `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`, `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/slurmctld.log`, `SlurmdLogFile=${dir}/log/slurmd.log`,
      `SlurmctldPort=${port}`, `SlurmdPort=${port + 1}`,
      'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none', 'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres', 'SelectTypeParameters=CR_Core', 'ReturnToService=2', 'MpiDefault=none',
      'JobCompType=jobcomp/none', 'AccountingStorageType=accounting_storage/none',
      `NodeName=${host} CPUs=${Math.min(2, os.cpus().length)} RealMemory=2000 State=UNKNOWN`,
      `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf, COLLAPSE_CACHE_DIR: path.join(dir, 'cache') };
  const daemons: ChildProcess[] = [];
  const pidFiles = ['slurmd.pid', 'slurmctld.pid', 'munged.pid'].map((f) => path.join(dir, f));
  try {
    execFileSync('munged', ['--force', `--socket=${sock}`, `--key-file=${dir}/munge.key`, `--pid-file=${dir}/munged.pid`, `--log-file=${dir}/log/munged.log`, `--seed-file=${dir}/munge.seed`], { stdio: 'ignore' });
    for (const d of ['slurmctld', 'slurmd']) daemons.push(spawn(d, ['-D', '-f', conf], { env, stdio: 'ignore' }));
    await until('the node to be idle', 60, () => /idle/.test(spawnSync('sinfo', ['-h', '-o', '%t'], { env, encoding: 'utf8' }).stdout));

    // The sweep: KDE on moons, 2 sizes × 2 bandwidths × 3 workflows × 4 seeds = 48 runs, long enough (T = 80) that
    // a shard of 12 runs is still running when the first of them is cached.
    const sweep = ['kde', '--dataset', 'moons', '--bandwidth', '0.1,scott', '--samples', '100,316', '--iterations', '80', '--seeds', '4'];
    const single = path.join(dir, 'single.csv');
    let t = Date.now();
    const one = spawnSync(process.execPath, [bin, 'run', ...sweep, '--out', single], { env: { ...env, COLLAPSE_CACHE_DIR: path.join(dir, 'cache-single'), COLLAPSE_WORKERS: '1' }, encoding: 'utf8' });
    assert.equal(one.status, 0, one.stderr);
    const oneShardSeconds = (Date.now() - t) / 1000;

    // Shard 2 of 4, started by hand and killed with -9 once a run is cached: the array job must finish it.
    const runs = () => (fs.existsSync(env.COLLAPSE_CACHE_DIR) ? fs.readdirSync(path.join(env.COLLAPSE_CACHE_DIR, 'kde')).length : 0);
    const victim = spawn(process.execPath, [bin, 'run', ...sweep, '--shard', '2/4'], { env: { ...env, COLLAPSE_WORKERS: '1' }, stdio: 'ignore' });
    const victimExit = new Promise<void>((r) => victim.once('exit', () => r())); // listened for before the kill: no race
    await until('the shard to cache a run', 120, () => fs.existsSync(path.join(env.COLLAPSE_CACHE_DIR, 'kde')) && runs() >= 1);
    victim.kill('SIGKILL');
    await victimExit;
    const killedAt = runs();
    assert.equal(victim.signalCode, 'SIGKILL', `the shard finished before it could be killed (${killedAt} runs cached)`);
    assert.ok(killedAt >= 1 && killedAt < 12, `the killed shard (12 runs) left ${killedAt} runs`);

    const merged = path.join(dir, 'merged.csv');
    t = Date.now();
    const sub = spawnSync(process.execPath, [bin, 'slurm', ...sweep, '--shards', '4', '--out', merged, '--submit', '--sbatch', '--cpus-per-task=1'], { env, encoding: 'utf8' });
    assert.equal(sub.status, 0, sub.stderr);
    const ids = /array job (\d+) and merge job (\d+)/.exec(sub.stdout);
    assert.ok(ids, sub.stdout);
    await until('the merge job', 600, () => !spawnSync('squeue', ['-h', '-j', `${ids![1]},${ids![2]}`], { env, encoding: 'utf8' }).stdout.trim());
    const fourShardSeconds = (Date.now() - t) / 1000;
    assert.ok(fs.existsSync(merged), `no merged CSV; merge log:\n${fs.readFileSync(`${merged}.slurm/merge.log`, 'utf8').slice(-2000)}`);
    assert.equal(runs(), 48, 'every run of the sweep is in the shared cache');
    assert.ok(fs.readFileSync(merged).equals(fs.readFileSync(single)), 'the merged CSV equals the single-machine CSV byte for byte');
    const leftovers = fs.readdirSync(path.join(env.COLLAPSE_CACHE_DIR, 'kde')).filter((f) => !f.endsWith('.json'));
    assert.deepEqual(leftovers, [], 'no half-written file in the shared cache');
    process.stderr.write(`# slurm: 48 runs on 1 process ${oneShardSeconds.toFixed(1)} s; 4 shards on the 2-core node (after a killed shard) ${fourShardSeconds.toFixed(1)} s\n`);
  } finally {
    for (const d of daemons) d.kill('SIGTERM');
    for (const f of pidFiles) {
      try {
        process.kill(Number(fs.readFileSync(f, 'utf8')), 'SIGTERM');
      } catch {
        // not running
      }
    }
    await sleep(100);
  }
});
