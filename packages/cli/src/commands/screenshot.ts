import { writeFileSync } from 'node:fs';
import { connected } from '../connect.ts';
import { EXIT, type Terminal } from '../terminal.ts';

/** `steward screenshot ID FILE`: the page as the session's browser shows it, as a JPEG file. */
export async function screenshotCommand(terminal: Terminal, id: string, file: string): Promise<number> {
  const { client } = connected(terminal);
  const { screenshot, url, title } = await client.sessions.screenshot(id);
  const match = /^data:image\/[a-z]+;base64,(.*)$/s.exec(screenshot);
  if (match === null) throw new Error('The server answered a screenshot that is not a base64 data URL.');
  const bytes = Buffer.from(match[1]!, 'base64');
  writeFileSync(file, bytes);
  terminal.stdout.write(`Saved ${url}${title === '' ? '' : ` (${title})`} to ${file}, ${bytes.length} bytes.\n`);
  return EXIT.ok;
}
