import { RegwatchError } from '../model/errors.js';

/** publish refused: nothing was written. `publish: feed.xml does not parse: …` */
export class PublishError extends RegwatchError<'REGWATCH_PUBLISH'> {
  constructor(detail: string) {
    super('REGWATCH_PUBLISH', `publish: ${detail}`);
  }
}
