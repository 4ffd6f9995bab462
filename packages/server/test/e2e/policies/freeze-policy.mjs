// A `script:` policy for the ReDoS end-to-end test: its first DONE result is 31 a and a !, the
// subject on which V8 backtracks ^(a+)+$ for seconds; told it does not match, it answers "aaaa".
export const FREEZER = `${'a'.repeat(31)}!`;

export async function decide({ history }) {
  const last = history[history.length - 1];
  if (last?.action.tool === 'done' && !last.result.ok) {
    return { thought: last.result.message, actions: [{ tool: 'done', args: { result: { value: 'aaaa' } } }] };
  }
  return { actions: [{ tool: 'done', args: { result: { value: FREEZER } } }] };
}
