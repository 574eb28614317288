/**
 * Preloaded into each serverless-offline the local cloud starts (`NODE_OPTIONS=--import`, see offline.ts).
 * serverless-offline runs a function's `schedule` events itself (node-schedule, on the minute, with an event naming
 * no rule), beside the local cloud's EventBridge, which fires the same rules from the packaged template as AWS
 * does: every scheduled function ran twice. serverless-offline has no option to turn its scheduler off, so its
 * node-schedule is stubbed here. Only in the main thread: functions run in worker threads and keep the real one.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

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

if (isMainThread) stubScheduler();
