/**
 * aws-local-stepfunctions, loaded with chained timers in its scope: its Wait, Retry and task timers call
 * setTimeout directly, which Node fires after 1 ms for anything over 2^31-1 ms (a Wait of 30 days).
 */
import './promise-polyfill';
import fs from 'node:fs';
import path from 'node:path';
import { setLongTimeout, type LongTimer } from '../timers';

type Library = typeof import('aws-local-stepfunctions');

function chainedSetTimeout(fire: (...args: unknown[]) => void, ms = 0, ...args: unknown[]): LongTimer {
  return setLongTimeout(() => fire(...args), ms);
}

function chainedClearTimeout(timer: LongTimer | undefined): void {
  timer?.clear();
}

function load(): Library {
  const file = require.resolve('aws-local-stepfunctions');
  const module = { exports: {} as Library };
  // The CommonJS wrapper Node uses, plus the two timer functions; created in this realm, as require would.
  const wrapper = new Function(
    'exports',
    'require',
    'module',
    '__filename',
    '__dirname',
    'setTimeout',
    'clearTimeout',
    fs.readFileSync(file, 'utf8'),
  );
  wrapper(module.exports, require, module, file, path.dirname(file), chainedSetTimeout, chainedClearTimeout);
  return module.exports;
}

export const { StateMachine } = load();
