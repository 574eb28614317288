import { STATUS_CODES } from 'node:http';

/** One problem with the request, e.g. `{ path: 'body.amount', message: 'Required' }`. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** RFC 9457 problem details, sent as application/problem+json. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
  /** RFC 9457 extension members, e.g. both totals of a mismatch. */
  [extension: string]: unknown;
}

/** An error a client can act on: its status, message and field problems are sent as they are. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  /** Response headers the problem needs, e.g. `WWW-Authenticate` on a 401, `Retry-After` on a 429. */
  headers: Record<string, string> = {};
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: FieldProblem[],
    readonly type = 'about:blank',
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  toProblemDetails(): ProblemDetails {
    return {
      ...this.extensions,
      type: this.type,
      title: STATUS_CODES[this.status] ?? 'Error',
      status: this.status,
      detail: this.detail,
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

export class BadRequestError extends HttpProblem {
  override name = 'BadRequestError';
  constructor(detail: string, errors?: FieldProblem[]) {
    super(400, detail, errors);
  }
}

export class NotFoundError extends HttpProblem {
  override name = 'NotFoundError';
  constructor(detail: string) {
    super(404, detail);
  }
}

/** The request clashes with the current state, e.g. paying an invoice that is already paid. */
export class ConflictError extends HttpProblem {
  override name = 'ConflictError';
  constructor(detail: string) {
    super(409, detail);
  }
}

/** The thing existed but is gone for good, e.g. an expired payment session. */
export class GoneError extends HttpProblem {
  override name = 'GoneError';
  constructor(detail: string) {
    super(410, detail);
  }
}

export class PayloadTooLargeError extends HttpProblem {
  override name = 'PayloadTooLargeError';
  constructor(detail: string) {
    super(413, detail);
  }
}

export class UnsupportedMediaTypeError extends HttpProblem {
  override name = 'UnsupportedMediaTypeError';
  constructor(detail: string) {
    super(415, detail);
  }
}

/** Well-formed JSON that breaks a rule: a missing field, a wrong type, an expired card. */
export class UnprocessableError extends HttpProblem {
  override name = 'UnprocessableError';
  constructor(detail: string, errors?: FieldProblem[]) {
    super(422, detail, errors);
  }
}

/** Too many attempts from one caller or against one card: wait `retryAfterSeconds`, nothing was tried. */
export class TooManyRequestsError extends HttpProblem {
  override name = 'TooManyRequestsError';
  constructor(detail: string, retryAfterSeconds: number) {
    super(429, detail);
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) };
  }
}
