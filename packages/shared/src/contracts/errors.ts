/** The one shape of every error the API returns. */
export interface ApiErrorBody {
  statusCode: number;
  /** Stable machine-readable code, e.g. `validation_failed`, `not_found`. */
  code: string;
  /** A sentence a person can read. */
  message: string;
  /** Field path → message, for input that failed validation. */
  fields?: Record<string, string>;
  requestId: string;
}
