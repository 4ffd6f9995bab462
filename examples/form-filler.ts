// Form filler: fills a registration form from a JSON object; the password goes by reference
// (a session secret), so neither the model nor any message ever holds it.
//   node --import tsx examples/form-filler.ts <form-url> [person.json]
import { readFile } from 'node:fs/promises';
import { Steward } from '@steward/client';

export interface Registration {
  registered: boolean;
  confirmation: string;
}

export const ADA = { fullName: 'Ada Lovelace', email: 'ada@example.com', country: 'France' };

export async function fillForm(
  client: Steward,
  options: { formUrl: string; person: Record<string, string>; password: string; log?: (line: string) => void },
): Promise<Registration> {
  const log = options.log ?? console.log;
  // A secret without `domains` is typed only on the sites the task names: here the form's.
  await using session = client.session('agi-0', { secrets: { PASSWORD: options.password } });
  const { data } = await session.runTask<Registration>(
    'Register on this form with the details below, using {{secret:PASSWORD}} as the password. ' +
      'Accept the terms, submit, and report the confirmation the site shows.\n' +
      JSON.stringify(options.person),
    {
      startUrl: options.formUrl,
      outputSchema: {
        type: 'object',
        required: ['registered', 'confirmation'],
        properties: { registered: { type: 'boolean' }, confirmation: { type: 'string' } },
      },
    },
  );
  log(data.registered ? `Registered: ${data.confirmation}` : `Not registered: ${data.confirmation}`);
  return data;
}

if (import.meta.filename === process.argv[1]) {
  const [formUrl, file] = process.argv.slice(2);
  if (formUrl === undefined) throw new Error('usage: form-filler.ts <form-url> [person.json]');
  const person = file === undefined ? ADA : (JSON.parse(await readFile(file, 'utf8')) as Record<string, string>);
  const password = process.env['REGISTRATION_PASSWORD'];
  if (password === undefined) throw new Error('set REGISTRATION_PASSWORD');
  await fillForm(new Steward(), { formUrl, person, password });
}
