/**
 * A task's result: a table for a list of records, a list for a list of values, and for an object
 * each of its lists of records as a table under its key; anything else as formatted JSON.
 */
export function ResultView({ result }: { result: unknown }) {
  if (typeof result === 'string') return <p class="result-text">{result}</p>;
  if (isRecordList(result)) return <RecordTable rows={result} />;
  if (Array.isArray(result) && result.every((value) => !isRecord(value) && !Array.isArray(value))) {
    return <ul class="result-list">{result.map((value, i) => <li key={i}>{cell(value)}</li>)}</ul>;
  }
  if (isRecord(result) && Object.values(result).some(isRecordList)) {
    const rest = Object.fromEntries(Object.entries(result).filter(([, value]) => !isRecordList(value)));
    return (
      <div class="result-object">
        {Object.entries(result)
          .filter(([, value]) => isRecordList(value))
          .map(([key, value]) => (
            <RecordTable key={key} caption={key} rows={value as Record<string, unknown>[]} />
          ))}
        {Object.keys(rest).length > 0 ? <pre class="result-json">{JSON.stringify(rest, null, 2)}</pre> : null}
      </div>
    );
  }
  return <pre class="result-json">{JSON.stringify(result, null, 2)}</pre>;
}

function RecordTable({ rows, caption }: { rows: Record<string, unknown>[]; caption?: string }) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return (
    <div class="table-scroll">
      <table class="result-table">
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>{columns.map((column) => <th scope="col" key={column}>{column}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>{columns.map((column) => <td key={column}>{cell(row[column])}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRecordList(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every(isRecord);
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
