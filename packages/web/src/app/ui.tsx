import type { Unreadable } from './api';

/** Names the items the server could not verify, which the list leaves out. */
export function UnreadableWarning({ items }: { items: readonly Unreadable[] }) {
  if (items.length === 0) return null;
  const ids = [...new Set(items.map((u) => u.id))];
  return (
    <p class="alert" role="alert" data-testid="unreadable">
      {ids.length === 1 ? 'One secret fails' : `${ids.length} secrets fail`} the integrity check and{' '}
      {ids.length === 1 ? 'is' : 'are'} not shown: it may have been altered in storage. {ids.join(', ')}
    </p>
  );
}

/** An error sentence in an alert, or nothing. */
export function Alert({ message }: { message: string | undefined }) {
  return message ? (
    <p class="alert" role="alert">
      {message}
    </p>
  ) : null;
}

/** A labelled text input, or a textarea when multiline. */
export function Field(props: {
  id: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  type?: string;
  autoComplete?: string;
  multiline?: boolean;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.multiline ? (
        <textarea
          id={props.id}
          name={props.id}
          value={props.value}
          onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)}
        />
      ) : (
        <input
          id={props.id}
          name={props.id}
          type={props.type ?? 'text'}
          value={props.value}
          autoComplete={props.autoComplete ?? 'off'}
          onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
        />
      )}
    </div>
  );
}
