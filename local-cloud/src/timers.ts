/** Timers of any length: Node fires a setTimeout over 2^31-1 ms after 1 ms (TimeoutOverflowWarning), so chain them. */

export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

/** Calls `fire` once `ms` have passed, however long that is; the chain keeps at most one Node timer alive. */
export function setLongTimeout(fire: () => void, ms: number): LongTimer {
  const due = Date.now() + Math.max(0, ms);
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = due - Date.now();
    if (left > MAX_TIMER_MS) timer = setTimeout(arm, MAX_TIMER_MS);
    else timer = setTimeout(fire, Math.max(0, left));
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}
