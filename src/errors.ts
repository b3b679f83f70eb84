/**
 * The one catalogue of Clarion's errors. Every error has a stable code, an HTTP status and the
 * error types each protocol family uses for it; protocol adapters render it into the wire shape
 * (OpenAI `{"error":{...}}`, Anthropic `{"type":"error","error":{...}}`). Never a stack trace.
 */

export interface ErrorSpec {
  readonly status: number;
  /** OpenAI `error.type`. */
  readonly openaiType: string;
  /** Anthropic `error.type`. */
  readonly anthropicType: string;
  readonly message: string;
}

export const ERRORS = {
  CLARION_INVALID_JSON: {
    status: 400,
    openaiType: 'invalid_request_error',
    anthropicType: 'invalid_request_error',
    message: 'Request body is not valid JSON',
  },
  CLARION_INVALID_REQUEST: {
    status: 400,
    openaiType: 'invalid_request_error',
    anthropicType: 'invalid_request_error',
    message: 'Request body is not a valid request for this endpoint',
  },
  CLARION_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    openaiType: 'invalid_request_error',
    anthropicType: 'invalid_request_error',
    message: 'Content-Type must be application/json',
  },
  CLARION_UNSUPPORTED_CONTENT_ENCODING: {
    status: 415,
    openaiType: 'invalid_request_error',
    anthropicType: 'invalid_request_error',
    message: 'Content-Encoding must be one of gzip, deflate, br or identity',
  },
  CLARION_BODY_TOO_LARGE: {
    status: 413,
    openaiType: 'invalid_request_error',
    anthropicType: 'request_too_large',
    message: 'Request body exceeds the configured limit',
  },
  CLARION_NO_UPSTREAM: {
    status: 404,
    openaiType: 'invalid_request_error',
    anthropicType: 'not_found_error',
    message: 'No upstream is configured for this route and model',
  },
  CLARION_NOT_FOUND: {
    status: 404,
    openaiType: 'invalid_request_error',
    anthropicType: 'not_found_error',
    message: 'Not found',
  },
  CLARION_FORBIDDEN: {
    status: 403,
    openaiType: 'invalid_request_error',
    anthropicType: 'permission_error',
    message: 'Not allowed',
  },
  CLARION_RATE_LIMITED: {
    status: 429,
    openaiType: 'rate_limit_error',
    anthropicType: 'rate_limit_error',
    message: 'Too many requests; retry later',
  },
  CLARION_UNAUTHORIZED: {
    status: 401,
    openaiType: 'invalid_request_error',
    anthropicType: 'authentication_error',
    message: 'Missing or invalid admin token',
  },

  CLARION_UPSTREAM_UNREACHABLE: {
    status: 502,
    openaiType: 'api_error',
    anthropicType: 'api_error',
    message: 'Upstream could not be reached',
  },
  CLARION_UPSTREAM_TIMEOUT: {
    status: 504,
    openaiType: 'api_error',
    anthropicType: 'api_error',
    message: 'Upstream did not answer in time',
  },
  CLARION_EVENT_STORE_UNAVAILABLE: {
    status: 503,
    openaiType: 'api_error',
    anthropicType: 'api_error',
    message: 'The event store is unavailable',
  },
  CLARION_STORE_UNAVAILABLE: {
    status: 503,
    openaiType: 'api_error',
    anthropicType: 'api_error',
    message: 'A store Clarion needs for this (Redis) did not answer; retry later',
  },
  CLARION_OVERLOADED: {
    status: 503,
    openaiType: 'api_error',
    anthropicType: 'overloaded_error',
    message: 'Clarion is receiving too many request bodies at once; retry shortly',
  },
  CLARION_SHUTTING_DOWN: {
    status: 503,
    openaiType: 'api_error',
    anthropicType: 'overloaded_error',
    message: 'Clarion is shutting down',
  },
  CLARION_INTERNAL: {
    status: 500,
    openaiType: 'api_error',
    anthropicType: 'api_error',
    message: 'Internal error in Clarion',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class ClarionError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** The request field at fault (`model`, `messages[2].role`, a header name), reported as OpenAI's `param`. */
  readonly param: string | null;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown; param?: string }) {
    const spec = ERRORS[code];
    super(detail === undefined ? spec.message : `${spec.message}: ${detail}`, options);
    this.name = 'ClarionError';
    this.code = code;
    this.status = spec.status;
    this.param = options?.param ?? null;
  }

  get spec(): ErrorSpec {
    return ERRORS[this.code];
  }
}

export function isClarionError(value: unknown): value is ClarionError {
  return value instanceof ClarionError;
}

/**
 * A file (config, policy) that failed validation: every problem, one line each, naming the field
 * path and the reason. Start-up and the `check` commands print `problems` as they are.
 */
export class FileProblemsError extends Error {
  readonly code: 'CLARION_INVALID_CONFIG' | 'CLARION_INVALID_POLICY';
  readonly problems: string[];
  readonly file: string;

  constructor(code: 'CLARION_INVALID_CONFIG' | 'CLARION_INVALID_POLICY', what: string, file: string, problems: string[]) {
    super(`invalid ${what} ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.code = code;
    this.file = file;
    this.problems = problems;
  }
}
