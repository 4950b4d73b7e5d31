// The console's only door to the service: same-origin fetch with the session cookie, the CSRF token
// on every write, and RFC 9457 problems turned into one typed error the pages can show.

export interface ProblemItem {
  where?: string;
  part?: string | null;
  line?: number | null;
  problem: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | null;
  readonly problems: ProblemItem[];
  readonly errors: Array<{ pointer: string; detail: string }>;
  /** Seconds, from Retry-After (sign-in throttling). */
  readonly retryAfter: number | null;

  constructor(init: { status: number; type?: string; title: string; detail?: string | null; problems?: ProblemItem[]; errors?: Array<{ pointer: string; detail: string }>; retryAfter?: number | null }) {
    super(init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.type = init.type ?? 'about:blank';
    this.title = init.title;
    this.detail = init.detail ?? null;
    this.problems = init.problems ?? [];
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter ?? null;
  }

  /** The last segment of the problem type, e.g. `four-eyes`. */
  get slug(): string {
    return this.type.split('/').pop() ?? '';
  }
}

export const isApiError = (err: unknown): err is ApiError => err instanceof ApiError;
export const isAbort = (err: unknown): boolean => err instanceof DOMException && err.name === 'AbortError';

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called on a 401 from any data route: the session ended, so the app goes back to sign-in. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

type QueryValue = string | number | boolean | null | undefined;

export function withQuery(path: string, query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export const encode = encodeURIComponent;

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** The session probe: a 401 there is an answer, not an expired session. */
  expect401?: boolean;
  accept?: string;
}

async function toError(res: Response): Promise<ApiError> {
  const retryAfterHeader = res.headers.get('retry-after');
  const retryAfter = retryAfterHeader && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : null;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const p = (await res.json()) as Record<string, unknown>;
      return new ApiError({
        status: res.status,
        type: typeof p.type === 'string' ? p.type : undefined,
        title: typeof p.title === 'string' ? p.title : res.statusText || `HTTP ${res.status}`,
        detail: typeof p.detail === 'string' ? p.detail : null,
        problems: Array.isArray(p.problems) ? (p.problems as ProblemItem[]) : [],
        errors: Array.isArray(p.errors) ? (p.errors as Array<{ pointer: string; detail: string }>) : [],
        retryAfter,
      });
    } catch {
      // fall through: a body that is not JSON after all
    }
  }
  return new ApiError({ status: res.status, title: res.statusText || `HTTP ${res.status}`, retryAfter });
}

async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError({ status: 0, type: 'network', title: 'network' });
  }
  if (!res.ok) {
    const error = await toError(res);
    if (res.status === 401 && !opts.expect401) unauthorizedHandler?.();
    throw error;
  }
  return res;
}

export async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const get = <T>(path: string, signal?: AbortSignal): Promise<T> => request<T>('GET', path, signal ? { signal } : {});
export const post = <T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> => request<T>('POST', path, { body: body ?? {}, ...(signal ? { signal } : {}) });
export const patch = <T>(path: string, body: unknown): Promise<T> => request<T>('PATCH', path, { body });
export const del = (path: string): Promise<void> => request<void>('DELETE', path);

/** A binary answer (PDFs), fetched with the same cookie and CSRF rules. */
export async function fetchBlob(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Blob> {
  const res = await send(method, path, { ...(body !== undefined ? { body } : {}), accept: 'application/pdf' });
  return res.blob();
}
