import { useState } from 'preact/hooks';

const CLIPBOARD_CLEAR_MS = 30_000;

/** Copies `value`, says so in the status line, and clears the clipboard 30 seconds later. */
export async function copyToClipboard(value: string, what: string, setStatus: (s: string) => void) {
  await navigator.clipboard.writeText(value);
  setStatus(`${what} copied. The clipboard is cleared in 30 seconds.`);
  setTimeout(() => {
    void navigator.clipboard.writeText('').catch(() => undefined);
  }, CLIPBOARD_CLEAR_MS);
}

/**
 * A secret value, masked until revealed, with Reveal/Hide and Copy buttons
 * named after it ("Reveal password", "Copy card number"), so that a screen
 * with several stays clear to screen readers and tests.
 */
export function Masked(props: {
  value: string;
  label: string;
  testId: string;
  multiline?: boolean;
  guard: (w: () => Promise<void>) => Promise<void>;
  setStatus: (s: string) => void;
}) {
  const [revealed, setRevealed] = useState(false);
  const what = props.label.toLowerCase();
  return (
    <>
      <span class={props.multiline && revealed ? 'secret notes' : 'secret'} data-testid={props.testId}>
        {revealed ? props.value : '••••••••'}
      </span>
      <button
        type="button"
        aria-label={`${revealed ? 'Hide' : 'Reveal'} ${what}`}
        onClick={() => setRevealed(!revealed)}
      >
        {revealed ? 'Hide' : 'Reveal'}
      </button>
      <button
        type="button"
        aria-label={`Copy ${what}`}
        onClick={() => void props.guard(() => copyToClipboard(props.value, props.label, props.setStatus))}
      >
        Copy
      </button>
    </>
  );
}
