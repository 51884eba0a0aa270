/** publish refused: nothing was written. `publish: feed.xml does not parse: …` */
export class PublishError extends Error {
  readonly code = 'REGWATCH_PUBLISH';
  constructor(detail: string) {
    super(`publish: ${detail}`);
    this.name = 'PublishError';
  }
}
