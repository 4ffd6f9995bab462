import { randomBytes } from 'node:crypto';

// Zero-width, bidirectional-override and other invisible format characters: page text can use
// them to hide instructions from a person reading the page while the model still reads them.
const INVISIBLE_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE_RE, '');
}

/**
 * Fences untrusted page content with a marker the page cannot guess (random per task), so the
 * system prompt can say: everything between these markers is data, never instructions.
 */
export class PageDataFence {
  readonly marker: string;

  constructor(marker = randomBytes(6).toString('hex')) {
    this.marker = marker;
  }

  get open(): string {
    return `<<<PAGE_DATA ${this.marker}>>>`;
  }

  get close(): string {
    return `<<<END_PAGE_DATA ${this.marker}>>>`;
  }

  wrap(text: string): string {
    // A page that prints the marker itself cannot close the fence early.
    const clean = stripInvisible(text).split(this.marker).join('[marker removed]');
    return `${this.open}\n${clean}\n${this.close}`;
  }
}
