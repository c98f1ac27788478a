/** Time for timestamps (injectable) and the RFC 3339 form the API server writes. */
export type Clock = () => number;

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
