// A deterministic `script:` policy driven by the task text, for end-to-end tests.
//   finish <text>     done with <text>
//   json              done with a JSON object
//   fail <text>       done with success=false
//   throw <text>      the policy throws (the task ends with an ERROR)
//   ask <question>    asks the user, then finishes with "answer: <answer>"
//   loop              scrolls every step (100 ms apart) until cancelled or out of steps;
//                     finishes with "updated: <text>" once a user update says "stop <text>"
//   spam              emits a 200 KB THOUGHT every step until a user update says "stop"
//   repeat            scrolls down every step, forever (loop detection ends it)
//   structured        first finishes with a result that misses the schema, then corrects it
//   visit <url>       navigates to <url>, then finishes with the page title (or the browser's notice)
//   form <name>|<email>|<country>   fills and submits the fixture registration form, then
//                     finishes with the confirmation text
//   secret <base-url> ...  visits <base-url>/storage/secret/ (a cookie and localStorage), then
//                     registers on <base-url>/form/ typing TYPED_SECRET into the password field,
//                     and names that password in its thought and in its result, as a careless
//                     model would: what Steward records must show it nowhere
/** The password `secret` types; never part of a task text, so any copy of it came from typing. */
export const TYPED_SECRET = 'Tr0ub4dor-typed-9f2c71';

export async function decide({ task, updates, observation, step, history, signal }) {
  const [command, ...rest] = task.split(' ');
  const arg = rest.join(' ');
  const last = history[history.length - 1];
  switch (command) {
    case 'finish':
      return { thought: 'Finishing at once.', actions: [{ tool: 'done', args: { result: arg } }] };
    case 'json':
      return { actions: [{ tool: 'done', args: { result: { summary: 'Found 2 items', items: [1, 2] } } }] };
    case 'fail':
      return { actions: [{ tool: 'done', args: { result: arg, success: false } }] };
    case 'throw':
      throw new Error(arg || 'policy failure');
    case 'ask': {
      if (last?.action.tool === 'ask_user') {
        const answer = last.result.message.replace('The user answered: ', '');
        return { actions: [{ tool: 'done', args: { result: `answer: ${answer}` } }] };
      }
      return { thought: 'I need to ask.', actions: [{ tool: 'ask_user', args: { question: arg } }] };
    }
    case 'loop': {
      const stop = updates.find((u) => u.startsWith('stop '));
      if (stop) return { actions: [{ tool: 'done', args: { result: `updated: ${stop.slice(5)}` } }] };
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, 100);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
      return { thought: `Step ${step}: still working.`, actions: [varyingScroll(step)] };
    }
    case 'spam':
      if (updates.some((u) => u.startsWith('stop'))) return { actions: [{ tool: 'done', args: { result: `spammed ${step - 1} steps` } }] };
      return { thought: `${step} ${'x'.repeat(200_000)}`, actions: [varyingScroll(step)] };
    case 'repeat': {
      const warned = history.some((h) => /not working/.test(h.result.message));
      return { thought: warned ? 'I was warned about repeating myself.' : 'Scrolling.', actions: [{ tool: 'scroll', args: { direction: 'down' } }] };
    }
    case 'structured':
      if (last?.action.tool === 'done' && !last.result.ok) {
        return { thought: last.result.message, actions: [{ tool: 'done', args: { result: { name: 'Ada', age: 36 } } }] };
      }
      return { actions: [{ tool: 'done', args: { result: { name: 'Ada' } } }] };
    case 'visit':
      if (history.some((h) => h.action.tool === 'navigate')) {
        // A notice (e.g. a hung tab replaced) says more about the visit than the title.
        return { actions: [{ tool: 'done', args: { result: observation.notice ?? observation.title } }] };
      }
      return { actions: [{ tool: 'navigate', args: { url: arg } }] };
    case 'form':
      return fillForm(arg, observation);
    case 'secret':
      return registerWithSecret(rest[0] ?? '', observation);
    default:
      return { actions: [{ tool: 'done', args: { result: `unknown test command '${command}'`, success: false } }] };
  }
}

/** A different action every step, so long-running commands are not mistaken for a loop. */
function varyingScroll(step) {
  return { tool: 'scroll', args: { direction: step % 2 === 0 ? 'up' : 'down', amount: 0.1 + (step % 990) / 100 } };
}

function fillForm(arg, observation) {
  const [name, email, country] = arg.split('|');
  if (/Thank you/i.test(observation.text)) {
    const line = observation.text.split('\n').find((l) => /Thank you/i.test(l));
    return { actions: [{ tool: 'done', args: { result: line.replace(/^#+\s*/, '').trim() } }] };
  }
  const find = (predicate) => observation.elements.find(predicate);
  const nameBox = find((e) => e.role === 'textbox' && /full name/i.test(e.name));
  const emailBox = find((e) => e.role === 'textbox' && /email/i.test(e.name));
  const countrySelect = find((e) => e.role === 'combobox' && /country/i.test(e.name));
  const terms = find((e) => e.role === 'checkbox');
  const submit = find((e) => e.role === 'button' && /register/i.test(e.name));
  if (!nameBox || !emailBox || !countrySelect || !terms || !submit) {
    return { actions: [{ tool: 'done', args: { result: 'The form was not found', success: false } }] };
  }
  const actions = [
    { tool: 'type', args: { index: nameBox.index, text: name } },
    { tool: 'type', args: { index: emailBox.index, text: email } },
    { tool: 'select', args: { index: countrySelect.index, option: country } },
  ];
  if (!(terms.states ?? []).includes('checked')) actions.push({ tool: 'click', args: { index: terms.index } });
  actions.push({ tool: 'click', args: { index: submit.index } });
  return { thought: 'Filling in the registration form.', actions };
}

function registerWithSecret(base, observation) {
  if (/Thank you/i.test(observation.text)) {
    return { actions: [{ tool: 'done', args: { result: `Registered; the password is ${TYPED_SECRET}` } }] };
  }
  if (!observation.url.includes('/storage/secret/') && !observation.url.includes('/form/')) {
    return { actions: [{ tool: 'navigate', args: { url: `${base}/storage/secret/` } }] };
  }
  if (!observation.url.includes('/form/')) return { actions: [{ tool: 'navigate', args: { url: `${base}/form/` } }] };
  const find = (predicate) => observation.elements.find(predicate);
  const nameBox = find((e) => e.role === 'textbox' && /full name/i.test(e.name));
  const emailBox = find((e) => e.role === 'textbox' && /email/i.test(e.name));
  const passwordBox = find((e) => e.tag === 'input' && /password/i.test(e.name));
  const terms = find((e) => e.role === 'checkbox');
  const submit = find((e) => e.role === 'button' && /register/i.test(e.name));
  if (!nameBox || !emailBox || !passwordBox || !terms || !submit) {
    return { actions: [{ tool: 'done', args: { result: 'The form was not found', success: false } }] };
  }
  return {
    thought: `Registering; I will use the password ${TYPED_SECRET}.`,
    actions: [
      { tool: 'type', args: { index: nameBox.index, text: 'Ada Lovelace' } },
      { tool: 'type', args: { index: emailBox.index, text: 'ada@example.com' } },
      { tool: 'type', args: { index: passwordBox.index, text: TYPED_SECRET } },
      { tool: 'click', args: { index: terms.index } },
      { tool: 'click', args: { index: submit.index } },
    ],
  };
}
