import { REGION } from '../config';
import { History, errorDetails, json } from './history';
import { readJsonPath } from '../json-path';
import { taskError, type TaskSpec } from './interpreter';
import type { Integration } from './integrations';
import type { TaskTokens } from './tokens';
import { setLongTimeout, type LongTimer } from '../timers';

/** Everything one run of one Task state needs. */
export interface TaskRun {
  spec: TaskSpec;
  integration: Integration;
  parameters: unknown;
  stateInput: unknown;
  token: string;
  tokens: TaskTokens;
  history: History;
  timeoutClass: new () => Error;
}

class Expired extends Error {}

/**
 * TimeoutSeconds and HeartbeatSeconds of one task: `expired` rejects when either runs out. AWS reports both as
 * States.Timeout with no cause; timers are chained, so a 30-day TimeoutSeconds waits 30 days.
 */
class TaskTimer {
  readonly expired: Promise<never>;
  private expire!: (reason: Expired) => void;
  private timeout?: LongTimer;
  private heartbeat?: LongTimer;

  constructor(
    timeoutSeconds: number | undefined,
    private readonly heartbeatSeconds: number | undefined,
  ) {
    this.expired = new Promise<never>((_, reject) => (this.expire = reject));
    this.expired.catch(() => undefined);
    if (timeoutSeconds !== undefined) {
      this.timeout = setLongTimeout(() => this.expire(new Expired()), timeoutSeconds * 1000);
    }
    this.beat();
  }

  beat(): void {
    if (this.heartbeatSeconds === undefined) return;
    this.heartbeat?.clear();
    this.heartbeat = setLongTimeout(() => this.expire(new Expired()), this.heartbeatSeconds * 1000);
  }

  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.expired]);
  }

  clear(): void {
    this.timeout?.clear();
    this.heartbeat?.clear();
  }
}

/** Runs one Task state's resource, enforcing its timeouts and recording its history events. */
export async function runTask(run: TaskRun): Promise<unknown> {
  const { spec, integration, history, parameters } = run;
  const timeoutSeconds = seconds(
    spec.timeoutSeconds,
    spec.timeoutSecondsPath,
    run.stateInput,
    'TimeoutSecondsPath',
  );
  // Heartbeats come only through SendTaskHeartbeat, so they apply to callback tasks.
  const heartbeatSeconds = integration.waitForTaskToken
    ? seconds(spec.heartbeatSeconds, spec.heartbeatSecondsPath, run.stateInput, 'HeartbeatSecondsPath')
    : undefined;
  const ids = integration.bareLambda
    ? { resource: integration.resource }
    : { resourceType: integration.resourceType, resource: integration.resource };
  const prefix = integration.bareLambda ? 'LambdaFunction' : 'Task';
  // A bare Lambda ARN's Succeeded / Failed / TimedOut events carry no resource on AWS; a service task's do.
  const outcomeIds = integration.bareLambda ? {} : ids;
  const detailsKey = (event: string) =>
    `${integration.bareLambda ? 'lambdaFunction' : 'task'}${event}EventDetails`;

  history.add(
    `${prefix}Scheduled`,
    integration.bareLambda
      ? {
          [detailsKey('Scheduled')]: {
            ...ids,
            input: json(parameters),
            inputDetails: { truncated: false },
            timeoutInSeconds: timeoutSeconds,
          },
        }
      : {
          [detailsKey('Scheduled')]: {
            ...ids,
            region: REGION,
            parameters: json(parameters),
            timeoutInSeconds: timeoutSeconds,
            heartbeatInSeconds: heartbeatSeconds,
          },
        },
  );
  history.add(`${prefix}Started`, integration.bareLambda ? undefined : { [detailsKey('Started')]: ids });

  const timer = new TaskTimer(timeoutSeconds, heartbeatSeconds);
  try {
    let output: unknown;
    if (integration.waitForTaskToken) {
      const outcome = run.tokens.wait(run.token, () => timer.beat());
      const submitted = await timer.race(integration.call(parameters));
      history.add('TaskSubmitted', {
        taskSubmittedEventDetails: { ...ids, output: json(submitted), outputDetails: { truncated: false } },
      });
      const result = await timer.race(outcome);
      if (!result.ok) throw taskError(result.error, result.cause);
      output = result.output;
    } else {
      output = await timer.race(integration.call(parameters));
    }
    history.add(`${prefix}Succeeded`, {
      [detailsKey('Succeeded')]: { ...outcomeIds, output: json(output), outputDetails: { truncated: false } },
    });
    return output;
  } catch (error) {
    if (error instanceof Expired) {
      history.add(`${prefix}TimedOut`, {
        [detailsKey('TimedOut')]: { ...outcomeIds, ...errorDetails('States.Timeout', undefined) },
      });
      const timeout = new run.timeoutClass();
      timeout.message = error.message;
      throw timeout;
    }
    const e = error as Error;
    history.add(`${prefix}Failed`, {
      [detailsKey('Failed')]: { ...outcomeIds, ...errorDetails(e.name, e.message) },
    });
    throw e;
  } finally {
    timer.clear();
    run.tokens.close(run.token);
  }
}

function seconds(
  fixed: number | undefined,
  path: string | undefined,
  input: unknown,
  field: string,
): number | undefined {
  if (fixed !== undefined) return fixed;
  if (path === undefined) return undefined;
  const value = readJsonPath(path, input);
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw taskError(
      'States.Runtime',
      `${field} '${path}' must point to a positive integer in the state input, found ${JSON.stringify(value)}`,
    );
  }
  return value as number;
}
