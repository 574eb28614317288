import { DOMAIN_ERROR_STATUS, DomainError } from '../domain-error';
import middy, { type MiddlewareObj } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  Context,
} from 'aws-lambda';
import type { z } from 'zod';
import { correlationPaths, CORRELATION_HEADER, createLogger, logInvocation, type Logger } from '../logger';
import { publishMetrics, traceHandler } from '../observability';
import {
  BadRequestError,
  HttpProblem,
  PayloadTooLargeError,
  UnprocessableError,
  type FieldProblem,
} from './errors';

/** API Gateway REST (v1) and HTTP API (v2) events. */
export type HttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyResult;

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

type Parsed<Schema, Fallback> = Schema extends z.ZodType ? z.output<Schema> : Fallback;

export interface HttpRequest<Body, Path, Query> {
  body: Body;
  path: Path;
  query: Query;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The caller's x-correlation-id when it sent a usable one, else this invocation's request id; logs carry it. */
  correlationId: string;
  event: HttpEvent;
  context: Context;
}

/** What a route returns when 200 with a JSON body is not the answer (201, 202, 204, a Location header). */
export interface HttpResult {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpHandlerOptions<
  BodySchema extends z.ZodType | undefined,
  PathSchema extends z.ZodType | undefined,
  QuerySchema extends z.ZodType | undefined,
> {
  /** When set, the request must carry a JSON body matching it (422 otherwise). */
  body?: BodySchema;
  /** Path parameters; a mismatch is a 400. */
  path?: PathSchema;
  /** Query string parameters; a mismatch is a 400. */
  query?: QuerySchema;
  maxBodyBytes?: number;
  cors?: Parameters<typeof httpCors>[0];
  logger?: Logger;
}

type Middleware = MiddlewareObj<HttpEvent, HttpResponse>;
type RawParameters = Record<string, string | undefined>;

function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  if (body === undefined) return { statusCode, headers, body: '' };
  const isText = typeof body === 'string';
  return {
    statusCode,
    headers: { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json', ...headers },
    body: isText ? body : JSON.stringify(body),
  };
}

function problemResponse(problem: HttpProblem): HttpResponse {
  return {
    statusCode: problem.status,
    headers: { ...problem.headers, 'content-type': 'application/problem+json' },
    body: JSON.stringify(problem.toProblemDetails()),
  };
}

function isHttpResult(value: unknown): value is HttpResult {
  return typeof value === 'object' && value !== null && typeof (value as HttpResult).statusCode === 'number';
}

function describeProblems(error: z.ZodError, location: string): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: [location, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** Middy's own HTTP errors (from the JSON body parser) carry a statusCode and a cause. */
interface MiddyHttpError extends Error {
  statusCode: number;
  expose?: boolean;
  cause?: { package?: string; message?: string; data?: unknown };
}

function isMiddyHttpError(error: unknown): error is MiddyHttpError {
  return error instanceof Error && typeof (error as MiddyHttpError).statusCode === 'number';
}

/** Turns any error into a problem: ours as they are, middy's translated, anything else a logged 500. */
export function toHttpProblem(error: unknown, logger: Logger): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DomainError) return new HttpProblem(DOMAIN_ERROR_STATUS[error.kind], error.message);
  if (isMiddyHttpError(error) && error.expose !== false && error.statusCode < 500) {
    // The body parser reports malformed JSON as 415; it is the client's syntax, so 400. Never the parser's
    // words: JSON.parse quotes the body (card digits, a CVV); only the position, a number, is passed on.
    if (
      error.cause?.package === '@middy/http-json-body-parser' &&
      error.message !== 'Unsupported Media Type'
    ) {
      const position = /\bposition (\d+)/.exec(error.cause.message ?? '')?.[1];
      const where = position ? ` (error at character ${position})` : '';
      return new BadRequestError(`Request body is not valid JSON${where}: send one JSON object`);
    }
    if (error.statusCode === 415) {
      return new HttpProblem(
        415,
        `Content-Type must be application/json, got ${JSON.stringify(error.cause?.data ?? null)}`,
      );
    }
    return new HttpProblem(error.statusCode, error.message);
  }
  logger.error('Unhandled error in HTTP handler', { error });
  return new HttpProblem(500, 'An unexpected error occurred; it has been logged. Please try again later.');
}

function problemResponses(logger: Logger): Middleware {
  return {
    onError: async (request) => {
      request.response = problemResponse(toHttpProblem(request.error, logger));
    },
  };
}

const correlationIdPattern = /^[\w.:\-/]{1,128}$/;

/**
 * From here on the x-correlation-id header holds the request's correlation id: the caller's when it is an id (it goes
 * into events and logs), else this invocation's request id. The logger reads it there (correlationPaths.HTTP_REQUEST).
 */
function settleCorrelationHeader(): Middleware {
  return {
    before: async (request) => {
      const headers = (request.event.headers ??= {}) as Record<string, string | undefined>;
      const given = headers[CORRELATION_HEADER]?.trim();
      headers[CORRELATION_HEADER] =
        given && correlationIdPattern.test(given) ? given : request.context.awsRequestId;
    },
  };
}

function decodedBody(event: HttpEvent): Buffer {
  return Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Refuses a missing or oversized body before anything parses it. */
function requireBoundedBody(maxBodyBytes: number): Middleware {
  return {
    before: async (request) => {
      const { body } = request.event;
      if (body === undefined || body === null || body === '') {
        throw new BadRequestError('A JSON request body is required');
      }
      const bytes = decodedBody(request.event).byteLength;
      if (bytes > maxBodyBytes) {
        throw new PayloadTooLargeError(`Request body is ${bytes} bytes; the limit is ${maxBodyBytes} bytes`);
      }
    },
  };
}

function validate<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  location: 'body' | 'path' | 'query',
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = describeProblems(result.error, location);
  if (location === 'body') throw new UnprocessableError('Request body failed validation', problems);
  throw new BadRequestError(`Request ${location} parameters failed validation`, problems);
}

/**
 * Wraps a route in the Payflow HTTP stack: normalised headers and parameters, a bounded JSON body,
 * zod validation, CORS and application/problem+json errors. The route returns a value (200 JSON),
 * undefined (204) or an explicit `{ statusCode, body, headers }`.
 */
/** The origins allowed to call this API from a browser: CORS_ORIGIN, comma-separated; none when unset. */
function corsOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.CORS_ORIGIN ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

export function httpHandler<
  BodySchema extends z.ZodType | undefined = undefined,
  PathSchema extends z.ZodType | undefined = undefined,
  QuerySchema extends z.ZodType | undefined = undefined,
>(
  options: HttpHandlerOptions<BodySchema, PathSchema, QuerySchema>,
  route: (
    request: HttpRequest<
      Parsed<BodySchema, undefined>,
      Parsed<PathSchema, RawParameters>,
      Parsed<QuerySchema, RawParameters>
    >,
  ) => Promise<unknown> | unknown,
) {
  const logger = options.logger ?? createLogger('payflow-http');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const handler = middy<HttpEvent, HttpResponse>()
    // First in, so its onError runs last and sees whether the error was answered as a problem.
    .use(traceHandler() as Middleware)
    .use(publishMetrics() as Middleware)
    .use(httpHeaderNormalizer() as Middleware)
    .use(httpEventNormalizer() as Middleware)
    // CORS only for the origin the service names (CORS_ORIGIN, e.g. the billing page); never '*'.
    .use(httpCors(options.cors ?? { origins: corsOrigins() }) as Middleware)
    // After the header normaliser (the path reads the lower-cased header); before the problems, which log with it.
    .use(settleCorrelationHeader())
    .use(logInvocation(logger, correlationPaths.HTTP_REQUEST) as Middleware)
    .use(problemResponses(logger));
  if (options.body) {
    handler.use(requireBoundedBody(maxBodyBytes)).use(httpJsonBodyParser() as Middleware);
  }

  return handler.handler(async (event, context) => {
    const body = options.body ? validate(options.body, event.body, 'body') : undefined;
    const path = options.path
      ? validate(options.path, event.pathParameters ?? {}, 'path')
      : (event.pathParameters ?? {});
    const query = options.query
      ? validate(options.query, event.queryStringParameters ?? {}, 'query')
      : (event.queryStringParameters ?? {});
    const result = await route({
      body,
      path,
      query,
      headers: event.headers ?? {},
      correlationId: event.headers?.[CORRELATION_HEADER] ?? context.awsRequestId,
      event,
      context,
    } as HttpRequest<
      Parsed<BodySchema, undefined>,
      Parsed<PathSchema, RawParameters>,
      Parsed<QuerySchema, RawParameters>
    >);
    if (result === undefined) return jsonResponse(204, undefined);
    if (isHttpResult(result)) return jsonResponse(result.statusCode, result.body, result.headers);
    return jsonResponse(200, result);
  });
}
