import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ResumeRequest, SelfInvoker } from '../domain/ingest-file';

/** The event a hand-over sends: the file and the token that lets the next invocation claim it. */
export interface ResumeEvent {
  resume: ResumeRequest;
}

export function isResumeEvent(event: unknown): event is ResumeEvent {
  const resume = (event as { resume?: Partial<ResumeRequest> } | null)?.resume;
  return (
    typeof resume?.bucket === 'string' &&
    typeof resume.key === 'string' &&
    typeof resume.etag === 'string' &&
    typeof resume.token === 'string' &&
    typeof resume.uploadedAt === 'string'
  );
}

/** Invokes this same function asynchronously (InvocationType Event): Lambda queues it and retries it. */
export function createSelfInvoker(options: { client: LambdaClient; functionName: string }): SelfInvoker {
  return {
    async resume(request) {
      const event: ResumeEvent = { resume: request };
      const out = await options.client.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify(event)),
        }),
      );
      if (out.StatusCode !== 202) {
        throw new Error(
          `Invoking ${options.functionName} to resume ${request.key} answered ${out.StatusCode}`,
        );
      }
    },
  };
}
