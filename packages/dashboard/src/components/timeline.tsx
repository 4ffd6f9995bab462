import { useEffect, useRef } from 'preact/hooks';
import { clock, explainFailure, truncate, usageText } from '../format.ts';
import type { TimelineItem } from '../timeline.ts';
import { ResultView } from './result-view.tsx';

/** The session's messages as they stream: thoughts and steps compact, questions, results and errors prominent. */
export function Timeline({ items }: { items: TimelineItem[] }) {
  const end = useRef<HTMLLIElement>(null);
  const list = useRef<HTMLOListElement>(null);
  // Follows the newest row unless the person scrolled up to read.
  useEffect(() => {
    const box = list.current;
    if (box && box.scrollHeight - box.scrollTop - box.clientHeight < 120) end.current?.scrollIntoView({ block: 'end' });
  }, [items.length]);
  return (
    <section class="timeline" aria-label="Timeline">
      <h2>Timeline</h2>
      {items.length === 0 ? <p class="muted">No messages yet. Send a task below.</p> : null}
      <ol ref={list} class="timeline-list" aria-live="polite" aria-relevant="additions">
        {items.map((item) => <Row key={item.id} item={item} />)}
        <li ref={end} class="timeline-end" aria-hidden="true" />
      </ol>
    </section>
  );
}

function Row({ item }: { item: TimelineItem }) {
  const time = <time dateTime={item.at}>{clock(item.at)}</time>;
  switch (item.kind) {
    case 'thought': {
      const usage = usageText(item.usage);
      return (
        <li class="row thought">
          <span class="tag">{item.step === undefined ? 'thought' : `step ${item.step}`}</span>
          <span class="text">{item.text}</span>
          {usage ? <span class="usage">{usage}</span> : null}
          {time}
        </li>
      );
    }
    case 'step':
      return (
        <li class={`row step${item.ok ? '' : ' failed'}`}>
          <span class="tag">{item.tool}</span>
          <span class="text">{item.text}</span>
          {item.url ? <span class="url">{truncate(item.url, 80)}</span> : null}
          {time}
        </li>
      );
    case 'question':
      return (
        <li class="row question">
          <span class="tag">{item.approval ? 'approval' : 'question'}</span>
          <strong class="text">{item.text}</strong>
          {time}
        </li>
      );
    case 'user':
      return (
        <li class="row user">
          <span class="tag">you</span>
          <span class="text">{item.text}</span>
          {time}
        </li>
      );
    case 'done': {
      const usage = usageText(item.metadata['usage']);
      const steps = item.metadata['steps'];
      return (
        <li class="row done">
          <span class="tag">done</span>
          <div class="result">
            <ResultView result={item.result} />
            <p class="muted">
              {typeof steps === 'number' ? `${steps} steps` : ''}
              {usage ? ` · ${usage}` : ''}
            </p>
          </div>
          {time}
        </li>
      );
    }
    case 'error': {
      const explanation = explainFailure(item.code);
      return (
        <li class="row error">
          <span class="tag">error{item.code ? ` · ${item.code}` : ''}</span>
          <div class="text">
            <strong>{item.text}</strong>
            {explanation ? <p class="muted">{explanation}</p> : null}
          </div>
          {time}
        </li>
      );
    }
    case 'log':
      return (
        <li class="row log">
          <span class="tag">log</span>
          <span class="text">{item.text}</span>
          {time}
        </li>
      );
  }
}
