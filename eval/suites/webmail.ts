import type { FixtureState } from '../../fixtures/fixture-state.ts';
import { answerContains, expectAll, fail, normalize, type CheckResult, type EvalTask } from '../eval-task.ts';

const folderOf = (state: FixtureState, subject: string): string | undefined => state.mail.messages.find((m) => m.subject === subject)?.folder;

function onlySent(state: FixtureState): CheckResult | undefined {
  return state.mail.sent.length === 1 ? undefined : fail(`expected exactly one sent message, found ${state.mail.sent.length}`);
}

export const WEBMAIL_TASKS: EvalTask[] = [
  {
    id: 'mail-confirmation-code',
    suite: 'webmail',
    task: 'What is the confirmation code in the email from Nordic Air? Answer with the code only.',
    startPath: '/mail/',
    check: (_s, done) => answerContains(done, 'qx7p2k'),
  },
  {
    id: 'mail-reply-dana',
    suite: 'webmail',
    task: "Reply to Dana Whitfield's email about the project kickoff and tell her that Thursday at 10 works for me.",
    startPath: '/mail/',
    check: (s) => {
      const sent = s.mail.sent[0];
      return (
        onlySent(s) ??
        expectAll([
          [`to dana.whitfield@example.com (got ${sent!.to})`, normalize(sent!.to) === 'dana.whitfield@example.com'],
          ['is a reply to her message', sent!.inReplyTo === 'm1'],
          ['mentions Thursday', /thursday/i.test(sent!.body)],
        ])
      );
    },
  },
  {
    id: 'mail-archive-digests',
    suite: 'webmail',
    task: 'Archive every Weekly Digest newsletter in my inbox.',
    startPath: '/mail/',
    check: (s) => {
      const digests = s.mail.messages.filter((m) => m.fromName === 'Weekly Digest');
      const others = s.mail.messages.filter((m) => m.fromName !== 'Weekly Digest' && m.folder === 'Archive');
      return expectAll([
        [`all ${digests.length} digests archived (folders: ${digests.map((d) => d.folder).join(', ')})`, digests.every((d) => d.folder === 'Archive')],
        [`nothing else archived (got ${others.map((o) => o.subject).join(', ')})`, others.length === 0],
      ]);
    },
  },
  {
    id: 'mail-send-lunch',
    suite: 'webmail',
    task: "Send an email to sam.lee@example.com with the subject 'Lunch' asking if he is free for lunch on Friday.",
    startPath: '/mail/',
    check: (s) => {
      const sent = s.mail.sent[0];
      return (
        onlySent(s) ??
        expectAll([
          [`to sam.lee@example.com (got ${sent!.to})`, normalize(sent!.to) === 'sam.lee@example.com'],
          [`subject Lunch (got ${sent!.subject})`, normalize(sent!.subject) === 'lunch'],
          ['mentions Friday', /friday/i.test(sent!.body)],
        ])
      );
    },
  },
  {
    id: 'mail-file-invoice',
    suite: 'webmail',
    task: 'Move the invoice email from Brightline Utilities into the Receipts folder.',
    startPath: '/mail/',
    check: (s) => expectAll([[`invoice in Receipts (got ${folderOf(s, 'Invoice #4471 for February')})`, folderOf(s, 'Invoice #4471 for February') === 'Receipts']]),
  },
  {
    id: 'mail-wifi-password',
    suite: 'webmail',
    task: 'Find the email about the office Wi-Fi and tell me the new password.',
    startPath: '/mail/',
    check: (_s, done) => answerContains(done, 'maple-river-42'),
  },
  {
    id: 'mail-invoice-amount',
    suite: 'webmail',
    task: 'How much is due on the Brightline Utilities invoice, and by when?',
    startPath: '/mail/',
    check: (_s, done) => answerContains(done, '318.20', /20 march|march 20|03-20/),
  },
  {
    id: 'mail-forward-report-figure',
    suite: 'webmail',
    task: "Email Sam Lee (sam.lee@example.com) the revenue figure from Priya's quarterly report draft, with the subject 'Revenue'.",
    startPath: '/mail/',
    check: (s) => {
      const sent = s.mail.sent[0];
      return (
        onlySent(s) ??
        expectAll([
          [`to sam.lee@example.com (got ${sent!.to})`, normalize(sent!.to) === 'sam.lee@example.com'],
          [`subject Revenue (got ${sent!.subject})`, normalize(sent!.subject) === 'revenue'],
          ['body has 2.4 million', /2\.4 ?(million|m\b)/i.test(sent!.body)],
        ])
      );
    },
  },
];
