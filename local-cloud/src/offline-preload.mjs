/**
 * Preloaded into each serverless-offline the local cloud starts (`NODE_OPTIONS=--import`, see offline.ts); it
 * changes what neither plugin has an option for, and nothing else.
 *
 * - serverless-offline runs a function's `schedule` events itself (node-schedule, on the minute, with an event
 *   naming no rule), beside the local cloud's EventBridge, which fires the same rules from the packaged template
 *   as AWS does: every scheduled function ran twice. Its node-schedule is stubbed here.
 * - serverless-esbuild bundles every function again at each start (about 2 s a service on 2 cores), though
 *   nothing changed. Its first bundle is skipped when the output of the last one is still in its build folder and
 *   was built from the same sources (PAYFLOW_BUNDLE_SOURCE_HASH, the hash `osls package` is reused on) with the
 *   same options. A file changed while it runs is bundled again by its watcher, as always.
 * - Its watcher started a full bundle for every file event at once; a burst of changes now makes one bundle
 *   running and at most one after it.
 *
 * - A serverless-offline whose local cloud died without stopping it (killed, or a jest run interrupted) kept
 *   running, holding its ports and CPU. It now exits when the local cloud is gone.
 *
 * Only in the main thread: functions run in worker threads and keep the real node-schedule.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

const MARKER = '.payflow-bundle-key';

/** A module as the service folder's serverless would load it; undefined outside a service folder. */
function load(specifier, from) {
  try {
    return createRequire(from)(specifier);
  } catch {
    return undefined;
  }
}

function resolveFromService(specifier) {
  try {
    return createRequire(path.join(process.cwd(), 'serverless.yml')).resolve(specifier);
  } catch {
    return undefined;
  }
}

function stubScheduler() {
  const offline = resolveFromService('serverless-offline');
  const nodeSchedule = offline && load('node-schedule', offline);
  if (nodeSchedule) nodeSchedule.scheduleJob = () => null;
}

/**
 * The watcher bundles every function again on each file event, with no debounce: a burst of writes (a git
 * checkout, a formatter) started as many full bundles at once. Calls during a bundle share one more bundle after it.
 */
function coalesced(bundle) {
  let running;
  let next;
  return function bundleOnce() {
    if (!running) {
      running = bundle.call(this).finally(() => {
        running = undefined;
      });
      return running;
    }
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return bundleOnce.call(this);
      });
    return next;
  };
}

function patchBundling() {
  const plugin = resolveFromService('serverless-esbuild');
  const bundleModule = plugin && load('./bundle.js', plugin);
  if (typeof bundleModule?.bundle !== 'function') return;
  // The plugin binds `bundle` from this module when it is constructed, after this runs.
  const bundle = coalesced(bundleModule.bundle);
  const sourceHash = process.env.PAYFLOW_BUNDLE_SOURCE_HASH;
  if (!sourceHash) {
    bundleModule.bundle = bundle;
    return;
  }
  let first = true;
  bundleModule.bundle = async function reusingBundle() {
    const marker = path.join(this.buildDirPath, MARKER);
    if (!first) {
      // A file changed: the output no longer matches the hash this process was given.
      fs.rmSync(marker, { force: true });
      return bundle.call(this);
    }
    first = false;
    const entries = this.functionEntries.map(({ entry }) => entry);
    const key = JSON.stringify({ sourceHash, options: this.buildOptions, entries });
    const outputs = entries.map((entry) =>
      path.join(
        this.buildDirPath,
        entry.slice(0, entry.lastIndexOf('.')) + this.buildOptions.outputFileExtension,
      ),
    );
    const kept = fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === key;
    if (kept && outputs.every((file) => fs.existsSync(file))) {
      this.prepare();
      this.log.notice(
        `Reusing the bundles of ${entries.length} handlers (sources unchanged since they were built)`,
      );
      return undefined;
    }
    fs.rmSync(marker, { force: true });
    await bundle.call(this);
    fs.writeFileSync(marker, key);
    return undefined;
  };
}

/**
 * Exits once the local cloud that started this process (PAYFLOW_LOCAL_CLOUD_PID, set by offline.ts) is gone.
 * Checked by pid, not by a change of parent: a process it starts in turn inherits this preload.
 */
function exitWithLocalCloud() {
  const localCloud = Number(process.env.PAYFLOW_LOCAL_CLOUD_PID);
  if (!localCloud) return;
  const check = () => {
    try {
      process.kill(localCloud, 0);
    } catch {
      process.exit(0);
    }
  };
  check();
  setInterval(check, 1000).unref();
}

if (isMainThread) {
  exitWithLocalCloud();
  stubScheduler();
  patchBundling();
}
