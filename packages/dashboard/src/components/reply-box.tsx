import { useState } from 'preact/hooks';
import type { TimelineItem } from '../timeline.ts';

interface Props {
  question: Extract<TimelineItem, { kind: 'question' }> | undefined;
  /** Resolves once the server took the message; rejects with its refusal. */
  send(text: string): Promise<void>;
  disabled: boolean;
}

/**
 * Answers the agent's question (a button per choice; Approve / Deny for an approval) or sends it
 * a message: a new task when none runs, an update while one does.
 */
export function ReplyBox({ question, send, disabled }: Props) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const submit = async (value: string): Promise<void> => {
    if (value.trim() === '') return;
    setSending(true);
    try {
      await send(value);
      setText('');
    } finally {
      setSending(false);
    }
  };
  const busy = disabled || sending;
  return (
    <div class={question ? 'reply asking' : 'reply'}>
      {question ? (
        <div class="question-box" role="group" aria-label="The agent asks">
          <p class="question-text">
            <span class="tag">{question.approval ? 'Your decision' : 'The agent asks'}</span> {question.text}
          </p>
          {question.approval ? (
            <div class="choices">
              <button type="button" class="primary" disabled={busy} onClick={() => void submit('approve')}>Approve</button>
              <button type="button" class="danger" disabled={busy} onClick={() => void submit('deny')}>Deny</button>
            </div>
          ) : question.choices.length > 0 ? (
            <div class="choices">
              {question.choices.map((choice) => (
                <button type="button" key={choice} disabled={busy} onClick={() => void submit(choice)}>{choice}</button>
              ))}
            </div>
          ) : null}
        </div>
      ) : null}
      <form
        class="composer"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(text);
        }}
      >
        <label for="reply">Reply</label>
        <textarea
          id="reply"
          rows={2}
          value={text}
          placeholder={question ? 'Your answer' : 'A task, or an update for the running task'}
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              void submit(text);
            }
          }}
        />
        <button type="submit" class="primary" disabled={busy || text.trim() === ''}>Send</button>
      </form>
    </div>
  );
}
