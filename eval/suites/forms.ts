import type { FixtureState, SignupAccount } from '../../fixtures/fixture-state.ts';
import { expectAll, fail, normalize, type CheckResult, type EvalTask } from '../eval-task.ts';

function checkAccount(state: FixtureState, want: SignupAccount): CheckResult {
  if (state.signup.accounts.length !== 1) return fail(`expected exactly one account, found ${state.signup.accounts.length}`);
  const got = state.signup.accounts[0]!;
  return expectAll(
    (Object.keys(want) as (keyof SignupAccount)[]).map((key) => [
      `${key} ${JSON.stringify(want[key])} (got ${JSON.stringify(got[key])})`,
      typeof want[key] === 'string' ? normalize(String(got[key])) === normalize(String(want[key])) : got[key] === want[key],
    ]),
  );
}

export const FORMS_TASKS: EvalTask[] = [
  {
    id: 'forms-newsletter-ada',
    suite: 'forms',
    task: 'Register Ada Lovelace (ada@example.com, France) for the newsletter on this page.',
    startPath: '/form/',
    check: (s) => {
      const ok = s.submissions.filter((x) => x.accepted);
      if (ok.length !== 1) return fail(`expected one accepted registration, found ${ok.length}`);
      const r = ok[0]!;
      return expectAll([
        [`name (got ${r.name})`, r.name === 'Ada Lovelace'],
        [`email (got ${r.email})`, r.email === 'ada@example.com'],
        [`country fr (got ${r.country})`, r.country === 'fr'],
      ]);
    },
  },
  {
    id: 'forms-signup-pro',
    suite: 'forms',
    task: 'Create an Acme Cloud account: username maria_g, email maria.garcia@example.com, password Sunset2026, full name Maria Garcia, country Spain, Pro plan, no newsletter.',
    startPath: '/signup/',
    check: (s) => checkAccount(s, { username: 'maria_g', email: 'maria.garcia@example.com', fullName: 'Maria Garcia', country: 'Spain', newsletter: false, plan: 'Pro' }),
  },
  {
    id: 'forms-signup-taken-username',
    suite: 'forms',
    task: 'Sign me up as jdoe (if that username is taken, use jdoe2026) with email john.doe@example.com and password Harbor77x. Name John Doe, Canada, Free plan, and subscribe me to the newsletter.',
    startPath: '/signup/',
    check: (s) => checkAccount(s, { username: 'jdoe2026', email: 'john.doe@example.com', fullName: 'John Doe', country: 'Canada', newsletter: true, plan: 'Free' }),
  },
  {
    id: 'forms-signup-password-rule',
    suite: 'forms',
    task: 'Create an account for Lena Novak: username lnovak, email lena.novak@example.com, Germany, Team plan, no newsletter. I would like the password "bluebird"; if the site rejects it, use "bluebird7" instead.',
    startPath: '/signup/',
    check: (s) => checkAccount(s, { username: 'lnovak', email: 'lena.novak@example.com', fullName: 'Lena Novak', country: 'Germany', newsletter: false, plan: 'Team' }),
  },
  {
    id: 'forms-support-return',
    suite: 'forms',
    task: 'Open a support request about returning order A1234: the teapot arrived cracked and I want a replacement. My email is kate.moss@example.com.',
    startPath: '/support/',
    check: (s) => {
      if (s.support.tickets.length !== 1) return fail(`expected one ticket, found ${s.support.tickets.length}`);
      const t = s.support.tickets[0]!;
      return expectAll([
        [`topic Returns (got ${t.topic})`, t.topic === 'Returns'],
        [`order A1234 (got ${t.orderNumber})`, t.orderNumber === 'A1234'],
        [`email (got ${t.email})`, t.email === 'kate.moss@example.com'],
        ['message mentions the cracked teapot', /crack/i.test(t.message) && /teapot/i.test(t.message)],
        ['not urgent', !t.urgent],
      ]);
    },
  },
  {
    id: 'forms-support-urgent-billing',
    suite: 'forms',
    task: 'I was charged twice for order A2001. File an urgent billing request with support from raj.patel@example.com explaining the double charge.',
    startPath: '/support/',
    check: (s) => {
      if (s.support.tickets.length !== 1) return fail(`expected one ticket, found ${s.support.tickets.length}`);
      const t = s.support.tickets[0]!;
      return expectAll([
        [`topic Billing (got ${t.topic})`, t.topic === 'Billing'],
        [`order A2001 (got ${t.orderNumber})`, t.orderNumber === 'A2001'],
        [`email (got ${t.email})`, t.email === 'raj.patel@example.com'],
        ['message mentions the charge', /charge/i.test(t.message)],
        ['urgent', t.urgent],
      ]);
    },
  },
  {
    id: 'forms-support-general',
    suite: 'forms',
    task: 'Ask Tiny Shop support whether they ship to Iceland. Use the topic "Other" and my email ola.nordmann@example.com.',
    startPath: '/support/',
    check: (s) => {
      if (s.support.tickets.length !== 1) return fail(`expected one ticket, found ${s.support.tickets.length}`);
      const t = s.support.tickets[0]!;
      return expectAll([
        [`topic Other (got ${t.topic})`, t.topic === 'Other'],
        [`email (got ${t.email})`, t.email === 'ola.nordmann@example.com'],
        ['message mentions Iceland', /iceland/i.test(t.message)],
      ]);
    },
  },
];
