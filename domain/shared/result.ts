/** A typed error: a stable code for programs and a message for people. */
export interface AppError {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type Result<T, E extends AppError = AppError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = (code: string, message: string, details?: Record<string, unknown>): Result<never> => ({
  ok: false,
  error: details ? { code, message, details } : { code, message },
});

/** Error codes shared across the backend. Deciders add their own, in SCREAMING_SNAKE_CASE. */
export const ErrorCodes = {
  validation: 'VALIDATION_FAILED',
  unauthenticated: 'UNAUTHENTICATED',
  /** A signed-in connection unused for longer than the idle timeout (settings): sign in again. */
  sessionExpired: 'SESSION_EXPIRED',
  badCredentials: 'BAD_CREDENTIALS',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  conflict: 'CONCURRENCY_CONFLICT',
  unknownCommand: 'UNKNOWN_COMMAND',
  unknownMethod: 'UNKNOWN_METHOD',
  storeFull: 'STORE_OUT_OF_MEMORY',
  storeBroken: 'STORE_UNAVAILABLE',
  internal: 'INTERNAL_ERROR',
} as const;
