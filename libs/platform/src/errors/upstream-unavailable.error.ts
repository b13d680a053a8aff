/** An upstream service or dependency could not answer: always a 503 of type upstream-unavailable. */
export class UpstreamUnavailableError extends Error {
  constructor(
    readonly upstream: string,
    detail?: string,
  ) {
    super(detail ?? `The ${upstream} service is unavailable. Try again shortly.`);
    this.name = 'UpstreamUnavailableError';
  }
}
